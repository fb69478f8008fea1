"""Identity numbers: the GB 11643 check digit and masking for anything a person may read."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: 18-character resident ID numbers (and the same shape on residence permits), standing
#: alone: not part of a longer run of digits such as a card or phone number
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_id_number(number: str) -> bool:
    number = number.strip().upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return check_digit(number[:17]) == number[17]


def mask_id_number(number: str) -> str:
    """310***********1234: region prefix and last four kept, the rest hidden."""
    number = number.strip()
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_id_numbers(text: str) -> str:
    """Mask every ID number that appears in free text (log lines, error messages)."""
    return ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group(0)), text)
