"""The unified social credit code (统一社会信用代码) of GB 32100-2015."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# 31 characters: the digits and the capitals without I, O, S, V and Z.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority and type (2), administrative division (6 digits), organisation
# code (9), check character (1). The database checks this shape too.
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
_CREDIT_CODE_RE = re.compile(CREDIT_CODE_PATTERN)


def credit_code_check_character(first17: str) -> str:
    """The check character (the 18th) for the first 17 characters of a code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str | None) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if not code:
        return
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code uses digits and capital letters except I, O, S, "
                "V and Z, with six digits of administrative division in places 3 to 8."
            ),
            code="credit_code_format",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of this unified social credit code is wrong "
                "(GB 32100-2015): expected %(expected)s, found %(found)s."
            ),
            code="credit_code_check",
            params={"expected": expected, "found": code[17]},
        )
