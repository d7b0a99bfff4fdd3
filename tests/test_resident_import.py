"""Resident import: upload → dry run (no resident created) → review → confirm once."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditAction, AuditLog
from communities.models import Resident, ResidentImport
from communities.models.residents import ResidentImportStatus
from communities.sheets import HEADERS
from communities.validators import build_id_number
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("communities:resident_import")
TEMPLATE_URL = reverse("communities:resident_import_template")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def review_url(resident_import: ResidentImport) -> str:
    return reverse("communities:resident_import_review", args=[resident_import.pk])


def valid_id(birth: dt.date, serial: int, gender: str = "female") -> str:
    return build_id_number(region="320571", birth=birth, serial=serial, gender=gender)


def sheet_row(**cells) -> dict:
    """A good row in 莲香新村三区39幢1单元301; override cells by column name."""
    birth = dt.date(1960, 1, 6)
    row = {
        "姓名": "陈美华",
        "性别": "女",
        "出生日期": birth,
        "手机号": "13912345678",
        "身份证号": valid_id(birth, 7),
        "居住类型": "户籍",
        "社区": "",
        "小区": "莲香新村三区",
        "楼栋": "39幢",
        "单元": "1单元",
        "户号": "301",
        "地址": "",
        "标签": "",
    }
    row.update(cells)
    return row


def xlsx_bytes(rows: list[dict], headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "居民名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_MIME)


def post_sheet(client, rows: list[dict], **kwargs):
    return client.post(IMPORT_URL, {"file": upload(xlsx_bytes(rows, **kwargs))})


def mixed_rows(cast) -> list[dict]:
    """Rows 2–3 are good; rows 4–10 each carry one mistake."""
    birth = dt.date(1960, 1, 6)
    good_id = valid_id(birth, 7)
    bad_checksum = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    other_compound = cast.outsider_resident.household.stairwell.building.compound.name
    return [
        sheet_row(标签="老年人、独居"),  # 2
        sheet_row(  # 3: address only, gender read from the ID number
            姓名="周建国",
            性别="",
            出生日期=None,
            身份证号=valid_id(dt.date(1970, 2, 3), 8, "male"),
            小区="",
            楼栋="",
            单元="",
            户号="",
            地址="斜塘街道莲香路1号",
            居住类型="流动",
        ),
        sheet_row(姓名="手机错", 手机号="1234", 身份证号=valid_id(birth, 9)),  # 4
        sheet_row(姓名="校验错", 身份证号=bad_checksum),  # 5
        sheet_row(姓名="生日错", 出生日期=dt.date(1961, 1, 6), 身份证号=valid_id(birth, 10)),  # 6
        sheet_row(姓名="楼栋错", 楼栋="99幢", 身份证号=valid_id(birth, 11)),  # 7
        sheet_row(姓名="外社区", 社区="淞渔", 小区=other_compound, 身份证号=valid_id(birth, 12)),  # 8
        sheet_row(姓名="重复号"),  # 9: same ID number as row 2
        sheet_row(姓名="已登记", 身份证号=cast.resident.id_number, 出生日期=cast.resident.birth_date),  # 10
    ]


EXPECTED_ERRORS = [
    {"row": 4, "column": "手机号", "message": "手机号应为以1开头的11位数字,第二位为3至9,例如 13812345678。"},
    {"row": 5, "column": "身份证号", "message": "身份证号校验位不正确,请核对是否输错。"},
    {"row": 6, "column": "出生日期", "message": "出生日期与身份证号中的出生日期(1960-01-06)不一致。"},
    {"row": 7, "column": "楼栋", "message": "莲香新村三区没有楼栋“99幢”。"},
    {"row": 8, "column": "社区", "message": "您只能导入本社区(莲香社区)的居民。"},
    {"row": 9, "column": "身份证号", "message": "与第2行的身份证号重复。"},
    {"row": 10, "column": "身份证号", "message": "系统中已有居民登记了这个身份证号。"},
]


@pytest.fixture
def checked_import(cast, login) -> ResidentImport:
    response = post_sheet(login(cast.worker), mixed_rows(cast))
    assert response.status_code == 302
    return ResidentImport.objects.get()


# The dry run


def test_dry_run_lists_row_errors_and_creates_no_resident(cast, login):
    before = Resident.objects.count()
    response = post_sheet(login(cast.worker), mixed_rows(cast))

    resident_import = ResidentImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review_url(resident_import)
    assert Resident.objects.count() == before
    assert resident_import.errors == EXPECTED_ERRORS
    assert resident_import.status == ResidentImportStatus.CHECKED
    assert resident_import.total_rows == 9
    assert [row["row"] for row in resident_import.rows] == [2, 3]
    assert resident_import.community == cast.community
    assert resident_import.created_by == cast.worker


def test_dry_run_keeps_cleaned_values(cast, checked_import):
    first, second = checked_import.rows
    assert first["household"] == cast.household.pk
    assert first["community"] == cast.community.pk
    assert first["tag_names"] == ["老年人", "独居"]
    assert first["birth_date"] == "1960-01-06"
    # Blank gender and birth date are read from the ID number (GB 11643).
    assert second["gender"] == "male"
    assert second["birth_date"] == "1970-02-03"
    assert second["household"] is None and second["address"] == "斜塘街道莲香路1号"


def test_review_page_shows_totals_errors_and_masked_preview(cast, login, checked_import):
    response = login(cast.worker).get(review_url(checked_import))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<strong data-testid="total-rows">9</strong>' in content
    assert '<strong data-testid="valid-rows">2</strong>' in content
    assert '<strong data-testid="error-rows">7</strong>' in content
    assert "身份证号校验位不正确" in content and "莲香新村三区没有楼栋“99幢”" in content
    full_id = checked_import.rows[0]["id_number"]
    assert full_id not in content
    assert f"{full_id[:4]}**********{full_id[-4:]}" in content
    assert "确认导入 2 名居民" in content


def test_template_download_has_headers_and_an_example_row(cast, login):
    response = login(cast.worker).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert "filename*=UTF-8''%E5%B1%85%E6%B0%91" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert len(rows) == 2 and rows[1][0].startswith("张三")


def test_a_forgotten_example_row_fails_the_dry_run(cast, login):
    client = login(cast.worker)
    template = client.get(TEMPLATE_URL).content
    client.post(IMPORT_URL, {"file": upload(template, "居民导入模板.xlsx")})
    resident_import = ResidentImport.objects.get()
    assert resident_import.rows == []
    assert resident_import.errors == [{"row": 2, "column": "小区", "message": "莲香社区没有名为“示例小区”的小区。"}]


def test_street_admin_must_name_the_community_and_may_import_anywhere(cast, login):
    outsider_household = cast.outsider_resident.household
    stairwell = outsider_household.stairwell
    rows = [
        sheet_row(),
        sheet_row(
            姓名="淞渔居民",
            社区="淞渔社区",
            小区=stairwell.building.compound.name,
            楼栋=stairwell.building.number,
            单元=stairwell.number,
            户号=outsider_household.room,
            身份证号=valid_id(dt.date(1960, 1, 6), 20),
        ),
    ]
    post_sheet(login(cast.street_admin), rows)
    resident_import = ResidentImport.objects.get()
    assert resident_import.errors == [{"row": 2, "column": "社区", "message": "请填写社区。"}]
    assert [row["household"] for row in resident_import.rows] == [outsider_household.pk]
    assert resident_import.community is None


def test_building_and_stairwell_may_be_written_without_suffix(cast, login):
    post_sheet(login(cast.worker), [sheet_row(楼栋="39", 单元=1, 户号=301)])
    assert ResidentImport.objects.get().rows[0]["household"] == cast.household.pk


def test_unknown_tag_and_missing_place_parts_are_reported(cast, login):
    post_sheet(login(cast.worker), [sheet_row(标签="老年人;外星人", 户号="")])
    assert ResidentImport.objects.get().errors == [
        {"row": 2, "column": "户号", "message": "填写了房屋时,小区、楼栋、单元、户号都要填写,请补填户号。"},
        {
            "row": 2,
            "column": "标签",
            "message": "没有这些标签:外星人。可用的标签:老年人、独居、残疾、困难群众、新就业群体、居民能人、楼道长、"
            "业委会成员、居民小组长、党员、志愿者。",
        },
    ]


def test_id_number_stored_as_a_number_is_refused(cast, login):
    post_sheet(login(cast.worker), [sheet_row(身份证号=3.20571196001060e17)])
    errors = ResidentImport.objects.get().errors
    assert errors[0]["column"] == "身份证号" and "存成了数字" in errors[0]["message"]


def test_dry_run_queries_do_not_grow_with_rows(cast, login):
    client = login(cast.worker)

    def queries_for(count: int) -> int:
        rows = [sheet_row(身份证号=valid_id(dt.date(1960, 1, 6), 100 + n)) for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            post_sheet(client, rows)
        return len(queries)

    assert queries_for(3) == queries_for(40)


# Files that are not a usable sheet: a clear message, nothing stored


def test_non_xlsx_upload_gets_a_clear_error(cast, login):
    response = login(cast.worker).post(IMPORT_URL, {"file": upload(b"name,mobile\n", "名单.csv")})
    assert response.status_code == 200
    assert "只支持.xlsx格式的表格" in response.content.decode()
    assert not ResidentImport.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not a spreadsheet", "文件不是.xlsx格式的表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "这是旧版Excel(.xls)或加密的文件"),
    ],
)
def test_renamed_file_gets_a_clear_error(cast, login, content, message):
    response = login(cast.worker).post(IMPORT_URL, {"file": upload(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ResidentImport.objects.exists()


def test_corrupt_xlsx_gets_a_clear_error(cast, login):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<broken")
        archive.writestr("xl/workbook.xml", "<broken")
    response = login(cast.worker).post(IMPORT_URL, {"file": upload(buffer.getvalue())})
    assert response.status_code == 200
    assert "文件无法读取,可能已损坏" in response.content.decode()
    assert not ResidentImport.objects.exists()


def test_unknown_column_is_refused(cast, login):
    response = post_sheet(login(cast.worker), [sheet_row()], headers=[*HEADERS[:3], "手机", *HEADERS[4:]])
    assert "无法识别的列名:手机" in response.content.decode()
    assert not ResidentImport.objects.exists()


def test_too_many_rows_is_refused(cast, login, settings):
    settings.RESIDENT_IMPORT_MAX_ROWS = 2
    rows = [sheet_row(身份证号=valid_id(dt.date(1960, 1, 6), 200 + n)) for n in range(3)]
    response = post_sheet(login(cast.worker), rows)
    assert "表格超过 2 行,请分批导入" in response.content.decode()
    assert not ResidentImport.objects.exists()


def test_too_large_file_is_refused(cast, login, settings):
    settings.RESIDENT_IMPORT_MAX_BYTES = 1024
    response = post_sheet(login(cast.worker), [sheet_row()])
    assert "文件超过" in response.content.decode()
    assert not ResidentImport.objects.exists()


# Confirming


def test_confirm_creates_exactly_the_valid_rows_with_audit(cast, login, checked_import):
    before = set(Resident.objects.values_list("pk", flat=True))
    response = login(cast.worker).post(review_url(checked_import))

    assert response.status_code == 302
    created = Resident.objects.exclude(pk__in=before).order_by("name")
    assert [r.name for r in created] == ["周建国", "陈美华"]
    chen = created.get(name="陈美华")
    assert chen.household == cast.household and chen.community == cast.community
    assert sorted(chen.tags.values_list("name", flat=True)) == ["独居", "老年人"]
    creates = AuditLog.objects.filter(action=AuditAction.CREATE, object_type="communities.resident")
    assert sorted(creates.values_list("object_id", flat=True)) == sorted(str(r.pk) for r in created)
    assert all(log.actor == cast.worker for log in creates)

    checked_import.refresh_from_db()
    assert checked_import.status == ResidentImportStatus.APPLIED
    assert checked_import.created_count == 2 and checked_import.applied_at is not None
    import_log = AuditLog.objects.get(action=AuditAction.IMPORT)
    assert import_log.object_type == "communities.residentimport"
    assert import_log.object_id == str(checked_import.pk)
    assert import_log.changes == {"文件名": "居民名单.xlsx", "总行数": "9", "导入": "2", "错误行": "7"}
    # Once applied, the staging copy keeps no full ID number.
    assert all("*" in row["id_number"] for row in checked_import.rows)


def test_confirming_twice_does_nothing_more(cast, login, checked_import):
    client = login(cast.worker)
    client.post(review_url(checked_import))
    count = Resident.objects.count()

    response = client.post(review_url(checked_import), follow=True)

    assert Resident.objects.count() == count
    assert AuditLog.objects.filter(action=AuditAction.IMPORT).count() == 1
    content = response.content.decode()
    assert "这批数据已经导入过了,不会重复导入。" in content
    assert "确认导入" not in content


def test_confirm_rolls_back_when_a_row_became_invalid(cast, login, checked_import):
    # Someone registers row 2's ID number between the dry run and the confirmation.
    taken = checked_import.rows[0]["id_number"]
    ResidentFactory(household=cast.household, id_number=taken, birth_date=dt.date(1960, 1, 6))
    count = Resident.objects.count()

    response = login(cast.worker).post(review_url(checked_import), follow=True)

    assert Resident.objects.count() == count
    assert "第2行导入失败" in response.content.decode()
    checked_import.refresh_from_db()
    assert checked_import.status == ResidentImportStatus.CHECKED
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()


# Who may import


@pytest.mark.parametrize("role", ["street_reviewer", "grid_worker", "no_role"])
def test_roles_without_import_rights_get_403(cast, login, role):
    client = login(getattr(cast, role))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": upload(xlsx_bytes([sheet_row()]))}).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    assert not ResidentImport.objects.exists()


def test_reviewer_gets_403_on_review(cast, login, checked_import):
    assert login(cast.street_reviewer).get(review_url(checked_import)).status_code == 403


@pytest.mark.parametrize("role", ["other_worker", "secretary", "street_admin"])
def test_someone_elses_import_is_404(cast, login, checked_import, role):
    client = login(getattr(cast, role))
    assert client.get(review_url(checked_import)).status_code == 404
    assert client.post(review_url(checked_import)).status_code == 404
    checked_import.refresh_from_db()
    assert checked_import.status == ResidentImportStatus.CHECKED


def test_anonymous_is_sent_to_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_method(cast, login, checked_import):
    client = login(cast.worker)
    assert client.put(IMPORT_URL).status_code == 405
    assert client.delete(review_url(checked_import)).status_code == 405
    assert client.post(TEMPLATE_URL).status_code == 405


def test_import_page_renders_and_links_the_template(cast, login, checked_import):
    content = login(cast.secretary).get(IMPORT_URL).content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert TEMPLATE_URL in content
    assert review_url(checked_import) not in content  # recent imports are the user's own
