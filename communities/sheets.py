"""Resident sheets: the blank import template, the dry run (check), applying a checked
import, and the export of a filtered list.

The column headers are the file format staff exchange with us, so they are fixed
Chinese strings, not translated UI text. ID numbers and mobiles leave the system
only masked (PIPL, DOMAIN.md §2).
"""

import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from accounts.permissions import can_edit_community_data
from communities import selectors, services
from communities.models import (
    Building,
    Community,
    Compound,
    Gender,
    Household,
    ResidenceType,
    Resident,
    ResidentImport,
    ResidentTag,
    Stairwell,
)
from communities.models.residents import ResidentImportStatus
from communities.permissions import can_import_residents
from communities.validators import (
    build_id_number,
    id_birth_date,
    id_gender,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    validate_id_number,
)

logger = logging.getLogger(__name__)

HEADERS = ("姓名", "性别", "出生日期", "手机号", "身份证号", "居住类型", "社区", "小区", "楼栋", "单元", "户号", "地址", "标签")
REQUIRED_HEADERS = ("姓名", "居住类型")
# Names staff commonly type instead of ours; "序号" is a row counter we skip.
HEADER_ALIASES = {"身份证号码": "身份证号", "手机号码": "手机号"}
IGNORED_HEADERS = {"序号"}
PLACE_HEADERS = ("小区", "楼栋", "单元", "户号")
# Model field → sheet column, to report model validation errors where staff can find them.
FIELD_COLUMNS = {
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "mobile": "手机号",
    "id_number": "身份证号",
    "residence_type": "居住类型",
    "community": "社区",
    "household": "户号",
    "address": "地址",
}
COLUMN_WIDTHS = dict(zip(HEADERS, (12, 6, 12, 14, 22, 10, 10, 16, 8, 8, 8, 30, 24)))
TAG_SEPARATORS = re.compile(r"[、,,;;]")
GENDER_BY_LABEL = {str(label): value for value, label in Gender.choices}
RESIDENCE_TYPE_BY_LABEL = {str(label): value for value, label in ResidenceType.choices}
# A title row above the headers is common in government sheets: look a few rows down for them.
HEADER_SEARCH_ROWS = 5
# Compressed-size limits do not stop a zip bomb; cap what the archive unpacks to as well.
MAX_UNPACKED_FACTOR = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and password-protected .xlsx)
EXPORT_MAX_ROWS = 20_000
PREVIEW_ROWS = 200


class SheetError(Exception):
    """A problem the uploader can fix; the message is shown to them as it is."""


class ImportAlreadyApplied(SheetError):
    pass


class ImportRowFailed(SheetError):
    pass


class ExportTooLarge(SheetError):
    pass


@dataclass(frozen=True)
class SheetFile:
    content: bytes
    filename: str
    ascii_filename: str  # for clients that cannot read RFC 6266 filename*
    row_count: int = 0


@dataclass
class SheetRow:
    number: int  # the row number staff see in Excel
    values: dict[str, object]

    def text(self, column: str) -> str:
        return cell_text(self.values.get(column))


def cell_text(value) -> str:
    """A cell as staff meant it: numbers typed into text columns lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


# Reading the upload


def read_sheet(uploaded_file) -> list[SheetRow]:
    """The non-empty data rows of the first worksheet, keyed by our column names."""
    _check_archive(uploaded_file)
    try:
        workbook = openpyxl.load_workbook(uploaded_file, read_only=True, data_only=True)
        try:
            return _read_rows(workbook.worksheets[0])
        finally:
            workbook.close()
    except SheetError:
        raise
    except Exception as exc:  # openpyxl raises a zoo of types on damaged archives
        logger.info("Unreadable resident sheet: %r", exc)
        raise SheetError(_("文件无法读取,可能已损坏。请用Excel或WPS打开后另存为.xlsx再上传。")) from exc


def _check_archive(uploaded_file) -> None:
    uploaded_file.seek(0)
    if uploaded_file.read(4) == OLE_MAGIC:
        raise SheetError(_("这是旧版Excel(.xls)或加密的文件。请在Excel或WPS中“另存为”.xlsx格式,并取消密码后再上传。"))
    uploaded_file.seek(0)
    if not zipfile.is_zipfile(uploaded_file):
        raise SheetError(_("文件不是.xlsx格式的表格,请上传用Excel或WPS保存的.xlsx文件。"))
    with zipfile.ZipFile(uploaded_file) as archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise SheetError(_("文件不是.xlsx格式的表格,请上传用Excel或WPS保存的.xlsx文件。"))
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > settings.RESIDENT_IMPORT_MAX_BYTES * MAX_UNPACKED_FACTOR:
        raise SheetError(_("表格内容过大,请删除多余的工作表、图片或格式后再上传,或分批导入。"))
    uploaded_file.seek(0)


def _read_rows(worksheet) -> list[SheetRow]:
    rows = worksheet.iter_rows(values_only=True)
    columns, header_number = _find_header(rows)
    max_rows = settings.RESIDENT_IMPORT_MAX_ROWS
    result: list[SheetRow] = []
    for number, values in enumerate(rows, start=header_number + 1):
        if all(cell_text(value) == "" for value in values):
            continue
        if len(result) >= max_rows:
            raise SheetError(_("表格超过 %(max)s 行,请分批导入。") % {"max": max_rows})
        cells = {name: values[index] if index < len(values) else None for index, name in columns.items()}
        result.append(SheetRow(number=number, values=cells))
    if not result:
        raise SheetError(_("表格中没有居民数据,请在表头下方逐行填写。"))
    return result


def _find_header(rows) -> tuple[dict[int, str], int]:
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        values = next(rows, None)
        if values is None:
            break
        names = [_header_name(value) for value in values]
        if "姓名" in names:
            return _header_columns(names), number
    raise SheetError(
        _("没有找到表头。第一行应为列名:%(headers)s。可下载模板对照填写。") % {"headers": "、".join(HEADERS)}
    )


def _header_name(value) -> str:
    name = cell_text(value).replace(" ", "").replace("*", "").replace("*", "")
    return HEADER_ALIASES.get(name, name)


def _header_columns(names: list[str]) -> dict[int, str]:
    unknown = [name for name in names if name and name not in HEADERS and name not in IGNORED_HEADERS]
    if unknown:
        raise SheetError(
            _("无法识别的列名:%(unknown)s。请使用模板中的列名:%(headers)s。")
            % {"unknown": "、".join(unknown), "headers": "、".join(HEADERS)}
        )
    known = [name for name in names if name in HEADERS]
    repeated = sorted({name for name in known if known.count(name) > 1})
    if repeated:
        raise SheetError(_("列名重复:%(names)s。每列只能出现一次。") % {"names": "、".join(repeated)})
    missing = [name for name in REQUIRED_HEADERS if name not in known]
    if missing:
        raise SheetError(_("缺少必需的列:%(names)s。") % {"names": "、".join(missing)})
    return {index: name for index, name in enumerate(names) if name in HEADERS}


# Checking rows (the dry run)


@dataclass
class PlaceIndex:
    """The places named in a sheet, loaded in four queries and looked up without more."""

    compounds: dict[tuple[int, str], Compound]
    buildings: dict[tuple[int, str], Building]
    stairwells: dict[tuple[int, str], Stairwell]
    households: dict[tuple[int, str], Household]

    @classmethod
    def load(cls, community_ids: set[int], compound_names: set[str]) -> "PlaceIndex":
        compounds = Compound.objects.filter(community_id__in=community_ids, name__in=compound_names)
        buildings = Building.objects.filter(compound__in=compounds)
        stairwells = Stairwell.objects.filter(building__compound__in=compounds)
        households = Household.objects.filter(stairwell__building__compound__in=compounds).select_related(
            "stairwell__building__compound"
        )
        return cls(
            compounds={(c.community_id, c.name): c for c in compounds},
            buildings={(b.compound_id, b.number): b for b in buildings},
            stairwells={(s.building_id, s.number): s for s in stairwells},
            households={(h.stairwell_id, h.room): h for h in households},
        )


def _spellings(text: str, suffix: str) -> list[str]:
    """'39' and '39幢' name the same building; '1' and '1单元' the same stairwell."""
    bare = text.removesuffix(suffix)
    return [text, f"{bare}{suffix}", bare]


def _find(index: dict, parent_id: int, text: str, suffix: str):
    for spelling in _spellings(text, suffix):
        found = index.get((parent_id, spelling))
        if found:
            return found
    return None


def _communities_by_name() -> dict[str, Community]:
    """Both spellings staff use: '莲香' and '莲香社区'."""
    index = {}
    for community in Community.objects.all():
        index[community.name] = index[str(community)] = community
    return index


@dataclass
class CheckContext:
    user: User
    communities: dict[str, Community]
    tags: dict[str, ResidentTag]
    places: PlaceIndex

    @classmethod
    def load(cls, user: User, sheet_rows: list[SheetRow]) -> "CheckContext":
        context = cls(
            user=user,
            communities=_communities_by_name(),
            tags={tag.name: tag for tag in ResidentTag.objects.all()},
            places=PlaceIndex({}, {}, {}, {}),
        )
        # Load places only where the user may write and only for compounds the sheet names.
        named = {context.community_named(row.text("社区")) for row in sheet_rows}
        community_ids = {c.pk for c in named if c and can_edit_community_data(user, c.pk)}
        compound_names = {row.text("小区") for row in sheet_rows} - {""}
        context.places = PlaceIndex.load(community_ids, compound_names)
        return context

    def community_named(self, text: str) -> Community | None:
        if not text:
            return self.user.community if not self.user.is_street_level else None
        return self.communities.get(text)


class RowErrors:
    def __init__(self, number: int):
        self.number = number
        self.items: list[dict] = []

    def add(self, column: str, message: str) -> None:
        self.items.append({"row": self.number, "column": column, "message": str(message)})

    def has(self, column: str) -> bool:
        return any(item["column"] == column for item in self.items)


@dataclass
class CheckedRow:
    number: int
    data: dict
    errors: RowErrors


def _parse_gender(row: SheetRow, errors: RowErrors) -> str:
    text = row.text("性别")
    if text and text not in GENDER_BY_LABEL and text not in Gender.values:
        errors.add("性别", _("性别应填写“男”或“女”。"))
    return GENDER_BY_LABEL.get(text, text if text in Gender.values else "")


def _parse_residence_type(row: SheetRow, errors: RowErrors) -> str:
    text = row.text("居住类型")
    value = RESIDENCE_TYPE_BY_LABEL.get(text, text if text in ResidenceType.values else "")
    if not value:
        errors.add("居住类型", _("居住类型应填写:%(choices)s。") % {"choices": "、".join(RESIDENCE_TYPE_BY_LABEL)})
    return value


def _parse_birth_date(row: SheetRow, errors: RowErrors) -> dt.date | None:
    value = row.values.get("出生日期")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    cleaned = re.sub(r"[年月/.]", "-", text).removesuffix("日")
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    errors.add("出生日期", _("出生日期格式不正确,请填写如 1950-03-15 的日期。"))
    return None


def _parse_id_number(row: SheetRow, errors: RowErrors) -> str:
    value = row.values.get("身份证号")
    if isinstance(value, float):
        # Excel keeps 15 significant digits: an ID typed into a number cell has lost its tail.
        errors.add("身份证号", _("身份证号被存成了数字,末几位可能已丢失。请把该列设为“文本”格式后重新填写。"))
        return ""
    return normalise_id_number(cell_text(value))


def _parse_mobile(row: SheetRow) -> str:
    return re.sub(r"[\s-]", "", row.text("手机号"))


def _parse_tags(row: SheetRow, context: CheckContext, errors: RowErrors) -> list[ResidentTag]:
    names = list(dict.fromkeys(name.strip() for name in TAG_SEPARATORS.split(row.text("标签")) if name.strip()))
    unknown = [name for name in names if name not in context.tags]
    if unknown:
        errors.add(
            "标签",
            _("没有这些标签:%(unknown)s。可用的标签:%(known)s。")
            % {"unknown": "、".join(unknown), "known": "、".join(context.tags)},
        )
    return [context.tags[name] for name in names if name in context.tags]


def _resolve_community(row: SheetRow, context: CheckContext, errors: RowErrors) -> Community | None:
    text = row.text("社区")
    community = context.community_named(text)
    if community is None:
        if text:
            errors.add("社区", _("找不到名为“%(name)s”的社区。") % {"name": text})
        else:
            errors.add("社区", _("请填写社区。"))
        return None
    if not can_edit_community_data(context.user, community.pk):
        errors.add("社区", _("您只能导入本社区(%(own)s)的居民。") % {"own": context.user.community})
        return None
    return community


def _resolve_household(
    row: SheetRow, community: Community, context: CheckContext, errors: RowErrors
) -> Household | None:
    texts = {column: row.text(column) for column in PLACE_HEADERS}
    if not any(texts.values()):
        return None
    missing = [column for column, text in texts.items() if not text]
    for column in missing:
        errors.add(column, _("填写了房屋时,小区、楼栋、单元、户号都要填写,请补填%(column)s。") % {"column": column})
    if missing:
        return None
    places = context.places
    compound = places.compounds.get((community.pk, texts["小区"]))
    if compound is None:
        errors.add("小区", _("%(community)s没有名为“%(name)s”的小区。") % {"community": community, "name": texts["小区"]})
        return None
    building = _find(places.buildings, compound.pk, texts["楼栋"], "幢")
    if building is None:
        errors.add("楼栋", _("%(compound)s没有楼栋“%(name)s”。") % {"compound": compound, "name": texts["楼栋"]})
        return None
    stairwell = _find(places.stairwells, building.pk, texts["单元"], "单元")
    if stairwell is None:
        errors.add("单元", _("%(building)s没有“%(name)s”。") % {"building": building, "name": texts["单元"]})
        return None
    household = _find(places.households, stairwell.pk, texts["户号"], "室")
    if household is None:
        errors.add("户号", _("%(stairwell)s没有户号“%(name)s”。") % {"stairwell": stairwell, "name": texts["户号"]})
    return household


def _derived_from_id(id_number: str) -> tuple[str, dt.date | None]:
    """Gender and birth date read from a valid ID number (GB 11643), for blank cells."""
    try:
        validate_id_number(id_number)
    except ValidationError:
        return "", None
    return id_gender(id_number), id_birth_date(id_number)


def _model_check(resident: Resident, errors: RowErrors) -> None:
    """The model's own field validators and clean(), without a query per row.

    Community and household were resolved from the scoped place index; uniqueness of
    the ID number is checked for the whole sheet at once.
    """
    skip = {"community", "household", *(name for name, column in FIELD_COLUMNS.items() if errors.has(column))}
    if any(errors.has(column) for column in ("社区", *PLACE_HEADERS)):
        skip.add("address")  # "no household and no address" would only repeat the place error
    try:
        resident.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(name, "姓名")
            if name not in skip and not errors.has(column):
                errors.add(column, messages[0])


def _parse_cells(row: SheetRow, errors: RowErrors) -> dict:
    """The resident's own values (everything but place and tags), as model field values."""
    name = row.text("姓名")
    if not name:
        errors.add("姓名", _("请填写姓名。"))
    return {
        "name": name,
        "gender": _parse_gender(row, errors),
        "birth_date": _parse_birth_date(row, errors),
        "mobile": _parse_mobile(row),
        "id_number": _parse_id_number(row, errors),
        "residence_type": _parse_residence_type(row, errors),
        "address": row.text("地址"),
    }


def _fill_from_id_number(cells: dict, errors: RowErrors) -> None:
    """Blank gender and birth date are read from a valid ID number (GB 11643)."""
    gender, birth_date = _derived_from_id(cells["id_number"]) if cells["id_number"] else ("", None)
    if not cells["gender"] and not errors.has("性别"):
        cells["gender"] = gender
        if not gender:
            errors.add("性别", _("请填写性别(男/女)。"))
    if not cells["birth_date"] and not errors.has("出生日期"):
        cells["birth_date"] = birth_date


def _row_data(number: int, cells: dict, community, household, tags: list[ResidentTag]) -> dict:
    """A checked row as JSON: ids and strings, plus display strings so the review page needs no queries."""
    return {
        "row": number,
        **cells,
        "birth_date": cells["birth_date"].isoformat() if cells["birth_date"] else "",
        "community": community.pk if community else None,
        "household": household.pk if household else None,
        "tags": [tag.pk for tag in tags],
        "community_name": str(community) if community else "",
        "place": str(household) if household else cells["address"],
        "tag_names": [tag.name for tag in tags],
    }


def check_row(row: SheetRow, context: CheckContext) -> CheckedRow:
    errors = RowErrors(row.number)
    cells = _parse_cells(row, errors)
    _fill_from_id_number(cells, errors)
    community = _resolve_community(row, context, errors)
    household = _resolve_household(row, community, context, errors) if community else None
    tags = _parse_tags(row, context, errors)
    place_failed = any(errors.has(column) for column in PLACE_HEADERS)
    if community and not household and not cells["address"] and not place_failed:
        errors.add("地址", _("请填写小区、楼栋、单元、户号,或填写地址。"))
    _model_check(Resident(community=community, household=household, **cells), errors)
    return CheckedRow(number=row.number, data=_row_data(row.number, cells, community, household, tags), errors=errors)


def _check_id_duplicates(checked: list[CheckedRow]) -> None:
    """One ID number, one resident: against the database and earlier rows of the sheet."""
    candidates = [c for c in checked if c.data["id_number"] and not c.errors.has("身份证号")]
    # Unscoped on purpose: the unique constraint spans the whole street.
    registered = set(
        Resident.objects.filter(id_number__in={c.data["id_number"] for c in candidates}).values_list(
            "id_number", flat=True
        )
    )
    first_row: dict[str, int] = {}
    for candidate in candidates:
        id_number = candidate.data["id_number"]
        if id_number in registered:
            candidate.errors.add("身份证号", _("系统中已有居民登记了这个身份证号。"))
        elif id_number in first_row:
            candidate.errors.add(
                "身份证号", _("与第%(row)s行的身份证号重复。") % {"row": first_row[id_number]}
            )
        else:
            first_row[id_number] = candidate.number


def check_rows(user: User, sheet_rows: list[SheetRow]) -> tuple[list[dict], list[dict]]:
    """(valid rows ready to import, row-level errors), in sheet order."""
    context = CheckContext.load(user, sheet_rows)
    checked = [check_row(row, context) for row in sheet_rows]
    _check_id_duplicates(checked)
    column_order = {column: index for index, column in enumerate(HEADERS)}
    valid = [c.data for c in checked if not c.errors.items]
    errors = [item for c in checked for item in c.errors.items]
    errors.sort(key=lambda item: (item["row"], column_order.get(item["column"], len(HEADERS))))
    return valid, errors


def resident_import_check(*, acting_user: User, uploaded_file) -> ResidentImport:
    """The dry run: read and check every row, keep the result; create no resident."""
    if not can_import_residents(acting_user):
        raise PermissionDenied("不能导入居民。")
    sheet_rows = read_sheet(uploaded_file)
    valid, errors = check_rows(acting_user, sheet_rows)
    return ResidentImport.objects.create(
        created_by=acting_user,
        community=None if acting_user.is_street_level else acting_user.community,
        file_name=(getattr(uploaded_file, "name", "") or "")[:200],
        rows=valid,
        errors=errors,
        total_rows=len(sheet_rows),
        status=ResidentImportStatus.CHECKED,
    )


# Applying a checked import


@dataclass
class ApplyLookups:
    communities: dict[int, Community]
    households: dict[int, Household]
    tags: dict[int, ResidentTag]

    @classmethod
    def load(cls, rows: list[dict]) -> "ApplyLookups":
        community_ids = {row["community"] for row in rows}
        household_ids = {row["household"] for row in rows if row["household"]}
        tag_ids = {tag for row in rows for tag in row["tags"]}
        households = Household.objects.filter(pk__in=household_ids).select_related("stairwell__building__compound")
        return cls(
            communities=Community.objects.in_bulk(community_ids),
            households={h.pk: h for h in households},
            tags=ResidentTag.objects.in_bulk(tag_ids),
        )


def _create_resident(acting_user: User, row: dict, lookups: ApplyLookups) -> Resident:
    missing_place = row["household"] and row["household"] not in lookups.households
    if row["community"] not in lookups.communities or missing_place:
        raise ImportRowFailed(_("第%(row)s行的社区或房屋已被删除。整批未导入,请重新上传表格。") % {"row": row["row"]})
    try:
        return services.resident_create(
            acting_user=acting_user,
            tags=[lookups.tags[pk] for pk in row["tags"] if pk in lookups.tags],
            community=lookups.communities[row["community"]],
            household=lookups.households.get(row["household"]),
            address=row["address"],
            name=row["name"],
            gender=row["gender"],
            birth_date=dt.date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
            mobile=row["mobile"],
            id_number=row["id_number"],
            residence_type=row["residence_type"],
        )
    except (ValidationError, PermissionDenied) as exc:
        reason = "".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ImportRowFailed(
            _("第%(row)s行导入失败:%(reason)s 整批未导入,请修改后重新上传表格。") % {"row": row["row"], "reason": reason}
        ) from exc


def _minimised(row: dict) -> dict:
    """Once applied, the staging copy keeps only masked personal values (PIPL: minimum retention)."""
    return {**row, "id_number": mask_id_number(row["id_number"]), "mobile": mask_mobile(row["mobile"])}


def resident_import_apply(*, acting_user: User, resident_import: ResidentImport) -> ResidentImport:
    """Create the valid rows through resident_create, all or nothing, exactly once."""
    with transaction.atomic():
        # The row lock makes a double click or two tabs wait here, then see `applied`.
        locked = ResidentImport.objects.select_for_update().get(pk=resident_import.pk)
        if locked.created_by_id != acting_user.pk or not can_import_residents(acting_user):
            raise PermissionDenied("只能确认自己上传的导入。")
        if locked.status == ResidentImportStatus.APPLIED:
            raise ImportAlreadyApplied(_("这批数据已经导入过了,不会重复导入。"))
        if not locked.rows:
            raise SheetError(_("没有可导入的行,请修改表格后重新上传。"))
        lookups = ApplyLookups.load(locked.rows)
        for row in locked.rows:
            _create_resident(acting_user, row, lookups)
        locked.status = ResidentImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.created_count = len(locked.rows)
        locked.rows = [_minimised(row) for row in locked.rows]
        locked.save(update_fields=["status", "applied_at", "created_count", "rows"])
        audit_record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            obj=locked,
            changes={
                "文件名": locked.file_name,
                "总行数": str(locked.total_rows),
                "导入": str(locked.created_count),
                "错误行": str(import_summary(locked)["error_rows"]),
            },
        )
    return locked


# Reading a checked import back for its review page


def import_summary(resident_import: ResidentImport) -> dict:
    return {
        "total": resident_import.total_rows,
        "valid": len(resident_import.rows),
        "error_rows": len({item["row"] for item in resident_import.errors}),
    }


def import_preview(resident_import: ResidentImport, limit: int = PREVIEW_ROWS) -> list[dict]:
    genders = dict(Gender.choices)
    residence_types = dict(ResidenceType.choices)
    return [
        {
            "row": row["row"],
            "name": row["name"],
            "gender": genders.get(row["gender"], ""),
            "birth_date": row["birth_date"],
            "mobile": mask_mobile(row["mobile"]),
            "id_number": mask_id_number(row["id_number"]),
            "residence_type": residence_types.get(row["residence_type"], ""),
            "community": row["community_name"],
            "place": row["place"],
            "tags": "、".join(row["tag_names"]),
        }
        for row in resident_import.rows[:limit]
    ]


def recent_imports(user: User, limit: int = 10) -> QuerySet[ResidentImport]:
    return ResidentImport.objects.visible_to(user).filter(created_by=user)[:limit]


# Writing workbooks


def _workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_widths(worksheet) -> None:
    for index, header in enumerate(HEADERS, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[header]


def _column(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def _template_example(user: User) -> list:
    birth = dt.date(1980, 5, 1)
    community = user.community.name if user.community_id else "莲香"
    return [
        "张三(示例,请删除本行)",
        "男",
        birth,
        "13812345678",
        build_id_number(region="320571", birth=birth, serial=1, gender=Gender.MALE),
        "户籍",
        community,
        # A compound that does not exist: a forgotten example row fails the dry run instead of importing.
        "示例小区",
        "1幢",
        "1单元",
        "101",
        "",
        "老年人、志愿者",
    ]


def _template_notes(user: User) -> list[tuple[str, str, str]]:
    community_note = (
        _("街道管理员必须填写社区名称,如“莲香”。")
        if user.is_street_level
        else _("可不填,默认为本社区;只能导入本社区的居民。")
    )
    return [
        ("姓名", _("必填"), ""),
        ("性别", _("选填"), _("男/女;不填时按身份证号第17位推算。")),
        ("出生日期", _("选填"), _("如 1950-03-15;不填时按身份证号推算,填写时须与身份证号一致。")),
        ("手机号", _("选填"), _("11位手机号。请把该列设为“文本”格式。")),
        ("身份证号", _("选填"), _("18位,末位可为X;不能与已登记居民重复。请把该列设为“文本”格式。")),
        ("居住类型", _("必填"), "、".join(RESIDENCE_TYPE_BY_LABEL)),
        ("社区", _("视角色"), community_note),
        ("小区/楼栋/单元/户号", _("二选一"), _("须是系统中已登记的房屋,四项都要填写;不在房屋登记中的居民填写地址。")),
        ("地址", _("二选一"), _("没有房屋登记时填写。")),
        ("标签", _("选填"), _("多个标签用 、 , ; 分隔,须是系统已有的标签。")),
    ]


def import_template(*, user: User) -> SheetFile:
    """A blank import sheet: headers, one example row, drop-downs and a notes sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "居民"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(_template_example(user))
    sheet.freeze_panes = "A2"
    _set_widths(sheet)
    last_row = settings.RESIDENT_IMPORT_MAX_ROWS + 1
    # Text columns, so Excel keeps all 18 digits of an ID number and the leading digits of a mobile.
    for header in ("手机号", "身份证号"):
        sheet.column_dimensions[_column(header)].number_format = "@"
        sheet[f"{_column(header)}2"].number_format = "@"
    sheet[f"{_column('出生日期')}2"].number_format = "yyyy-mm-dd"
    for header, choices in (("性别", GENDER_BY_LABEL), ("居住类型", RESIDENCE_TYPE_BY_LABEL)):
        validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
        validation.add(f"{_column(header)}2:{_column(header)}{last_row}")
        sheet.add_data_validation(validation)
    notes = workbook.create_sheet("填写说明")
    notes.append([_("列名"), _("是否必填"), _("说明")])
    for line in _template_notes(user):
        notes.append([str(value) for value in line])
    notes.append([])
    notes.append([_("可用的标签"), "", "、".join(ResidentTag.objects.values_list("name", flat=True))])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    return SheetFile(
        content=_workbook_bytes(workbook), filename="居民导入模板.xlsx", ascii_filename="resident_import_template.xlsx"
    )


def _export_row(resident: Resident) -> list:
    household = resident.household
    stairwell = household.stairwell if household else None
    return [
        resident.name,
        resident.get_gender_display(),
        resident.birth_date,
        # Masked: an export leaves our audit trail's reach, so it carries no full personal numbers.
        resident.masked_mobile,
        resident.masked_id_number,
        resident.get_residence_type_display(),
        resident.community.name,
        stairwell.building.compound.name if stairwell else "",
        stairwell.building.number if stairwell else "",
        stairwell.number if stairwell else "",
        household.room if household else "",
        resident.address,
        "、".join(tag.name for tag in resident.tags.all()),
    ]


def _export_cells(sheet, values: list) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(value, str) and value.startswith("="):
            # openpyxl stores "=…" as a formula; text typed by residents or staff
            # (a title, a description) must never run in the reader's spreadsheet.
            cell.data_type = "s"
        cells.append(cell)
    return cells


def write_workbook(
    *, title: str, headers: Sequence[str], widths: Sequence[int], rows: Iterable[list]
) -> tuple[bytes, int]:
    """One write-only sheet: bold header row frozen at the top, column widths, dates formatted.

    Shared by every list export (residents, resident requests). Returns the file and its row count.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = [WriteOnlyCell(sheet, value=name) for name in headers]
    for cell in header:
        cell.font = bold
    sheet.append(header)
    row_count = 0
    for values in rows:
        sheet.append(_export_cells(sheet, values))
        row_count += 1
    return _workbook_bytes(workbook), row_count


def resident_export(*, acting_user: User, residents: QuerySet[Resident], filter_label: str) -> SheetFile:
    """The given (already scoped and filtered) residents as a workbook, audited.

    Three queries whatever the size: count, rows with their places, tags.
    """
    count = residents.count()
    if count > EXPORT_MAX_ROWS:
        raise ExportTooLarge(
            _("当前筛选结果有 %(count)s 人,超过单次导出上限 %(max)s 人,请先缩小筛选范围。")
            % {"count": count, "max": EXPORT_MAX_ROWS}
        )
    content, row_count = write_workbook(
        title="居民名单",
        headers=HEADERS,
        widths=[COLUMN_WIDTHS[header] for header in HEADERS],
        rows=(_export_row(resident) for resident in selectors.residents_for_list(residents)),
    )
    # The export is of the resident list, not one row: audit it against the model, without an id.
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=Resident,
        object_repr="居民名单",
        changes={"筛选": filter_label or "无", "行数": str(row_count)},
    )
    today = timezone.localdate()
    return SheetFile(
        content=content,
        filename=f"居民名单_{today:%Y%m%d}.xlsx",
        ascii_filename=f"residents_{today:%Y%m%d}.xlsx",
        row_count=row_count,
    )
