"""ID-number checks and masking, and the log filter that applies them."""

from __future__ import annotations

import logging

import pytest

from shared.identity import (
    check_digit,
    is_valid_id_number,
    mask_id_number,
    mask_id_numbers,
)
from shared.logs import PersonalDataFilter

# GB 11643's own worked example
VALID = "11010519491231002X"


def test_check_digit() -> None:
    assert check_digit(VALID[:17]) == "X"
    assert is_valid_id_number(VALID)
    assert is_valid_id_number(VALID.lower())
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("1101051949123100")
    with pytest.raises(ValueError):
        check_digit("12345")


def test_masking() -> None:
    assert mask_id_number("310101199001011234") == "310***********1234"
    assert mask_id_number("123") == "***"
    text = f"card {VALID} read; phone 13800138000; card no 6222021234567890123"
    masked = mask_id_numbers(text)
    assert VALID not in masked and "110***********002X" in masked
    assert "13800138000" in masked and "6222021234567890123" in masked


def test_log_filter_masks_messages_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("vwindow.test.pii")
    logger.addFilter(PersonalDataFilter())
    try:
        with caplog.at_level(logging.INFO, logger="vwindow.test.pii"):
            logger.info("resident %s joined", VALID)
            logger.info(f"inline {VALID}")
    finally:
        logger.filters.clear()
    assert VALID not in caplog.text
    assert caplog.text.count("110***********002X") == 2
