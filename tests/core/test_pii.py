import logging

import pytest
from django.core.exceptions import ValidationError

from core import pii


def test_it_masks_a_mobile_number():
    assert pii.mask_phone("13800138000") == "138****8000"
    assert pii.mask_phone("") == ""


def test_it_masks_names_keeping_the_family_name():
    assert pii.mask_name("张三丰") == "张**"
    assert pii.mask_name("李") == "李*"


@pytest.mark.parametrize("good", ["11010519491231002X", "440524188001010014"])
def test_it_accepts_valid_id_numbers(good):
    pii.validate_id_number(good)


@pytest.mark.parametrize("bad", ["110105194912310021", "12345", "11010519491231002Y"])
def test_it_rejects_bad_id_numbers(bad):
    with pytest.raises(ValidationError):
        pii.validate_id_number(bad)


def test_it_hashes_id_numbers_stably_and_case_insensitively(settings):
    assert pii.hash_id_number("11010519491231002x") == pii.hash_id_number("11010519491231002X")
    assert "11010519491231002X" not in pii.hash_id_number("11010519491231002X")


def test_log_filter_masks_phones_and_id_numbers(caplog):
    logger = logging.getLogger("liaison.test")
    logger.addFilter(pii.PiiLogFilter())
    with caplog.at_level(logging.INFO, logger="liaison.test"):
        logger.info("call %s about %s", "13800138000", "11010519491231002X")
    text = caplog.text
    assert "13800138000" not in text and "138****8000" in text
    assert "11010519491231002X" not in text and "002X" in text
