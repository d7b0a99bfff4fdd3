import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from communities.validators import (
    build_id_number,
    id_check_digit,
    mask_id_number,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize("mobile", ["13812345678", "19900001111", "15000000000"])
def test_valid_mobiles(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "138123456789", "1381234567a", "", "23812345678"])
def test_invalid_mobiles_get_a_clear_message(mobile):
    with pytest.raises(ValidationError) as error:
        validate_mobile(mobile)
    assert "手机号应为以1开头的11位数字" in error.value.messages[0]


def test_known_id_number_checksum():
    # GB 11643-1999 worked example: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")  # lower-case x is accepted and normalised


def test_bad_checksum_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert error.value.messages == ["身份证号校验位不正确,请核对是否输错。"]


@pytest.mark.parametrize("value", ["1101051949123100", "11010519491231002Y", "A1010519491231002X"])
def test_bad_format_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert "18位" in error.value.messages[0]


def test_impossible_birth_date_is_refused():
    first17 = "32057119490231002"  # 31 February
    with pytest.raises(ValidationError) as error:
        validate_id_number(first17 + id_check_digit(first17))
    assert "出生日期" in error.value.messages[0]


def test_built_numbers_validate_and_carry_birth_and_gender():
    value = build_id_number(region="320571", birth=dt.date(1956, 7, 1), serial=12, gender="male")
    validate_id_number(value)
    assert value[6:14] == "19560701"
    assert int(value[16]) % 2 == 1


def test_masking_shows_first_and_last_four():
    assert mask_id_number("320571195607010251") == "3205**********0251"
    assert mask_id_number("") == ""
