"""Validation of Chinese mobile and resident ID numbers, with messages staff can act on."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
# GB 11643-1999 check digit: weights for the first 17 digits and the code for sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("手机号应为以1开头的11位数字,第二位为3至9,例如 13812345678。"), code="mobile")


def id_check_digit(first17: str) -> str:
    return ID_CHECK_CODES[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def id_gender(value: str) -> str:
    """'male' or 'female' from the 17th digit (odd = male)."""
    return "male" if int(value[16]) % 2 else "female"


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    value = normalise_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(_("身份证号应为18位:前17位数字,最后一位为数字或X。"), code="id_format")
    birth = id_birth_date(value)
    if birth is None or birth > dt.date.today() or birth.year < 1900:
        raise ValidationError(_("身份证号第7至14位不是有效的出生日期。"), code="id_birth")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确,请核对是否输错。"), code="id_checksum")


def mask_id_number(value: str) -> str:
    """3205**********1234: first four and last four, the rest hidden."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_mobile(value: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    return f"{value[:3]}****{value[-4:]}" if len(value or "") == 11 else value


def build_id_number(*, region: str, birth: dt.date, serial: int, gender: str) -> str:
    """A checksum-valid 18-digit ID number (demo data and tests only ever need fake ones)."""
    sequence = serial % 500 * 2 + (1 if gender == "male" else 0)  # odd = male
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)
