"""Money as Chinese and English readers read it.

Pure functions: a ``Decimal`` (or an ``int`` / ``str`` holding a number) in, a ``str`` out;
no database, no settings, no active translation. The template filters in
``core/templatetags/money.py`` pass the active language in.

Chinese and English count large amounts on different scales (万 = 10⁴ and 亿 = 10⁸ against
thousand, million, billion), so the units below are chosen per language rather than
translated word for word: "8.5 亿元" and "CNY 850 million" are the same figure.

**Short form** (:func:`money_short`, for tables and cards):

* Chinese (any language code starting with ``zh``): from 1 亿 on, in 亿 (``8.5 亿元``); from
  1 万 on, in 万 (``1,234.5 万元``); below that in 元 (``9,999 元``).
* English (every other language): from 1 billion on, in billions (``CNY 2.5 billion``); from
  1 million on, in millions (``CNY 850 million``); below that the plain figure
  (``CNY 250,000``).
* The number is rounded half up to two decimals in its unit, with thousands separators. In
  万, 亿, millions and billions trailing zeros are dropped (``8.5``, not ``8.50``; ``25``, not
  ``25.00``); a plain figure shows no decimals when it is whole (``9,999 元``) and both
  decimals when it is not (``1,234.50 元``, never ``1,234.5 元``). The unit is
  chosen by the amount; when rounding carries the number to the next unit (99,999,999 元 is
  9,999.9999 万), the next unit is used instead (``1 亿元``), never ``10,000 万元``.
* Negative amounts take a leading minus on the number (``-8.5 亿元``, ``CNY -850 million``);
  an amount that rounds to zero shows no sign. ``None`` shows as ``—``.

**Full form** (:func:`money_full`, for notices and details): every digit, two decimals,
thousands separators: ``850,000,000.00 元`` / ``CNY 850,000,000.00``.

**Chinese capital numerals** (:func:`rmb_capital`): see its docstring. Its English
counterpart for English readers of a notice is :func:`amount_in_words` (``Two million five
hundred thousand yuan only``).

Currencies other than CNY take their Chinese name (美元, 欧元, 港元) or, in English and for
codes without a Chinese name here, their ISO code.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

__all__ = [
    "MAX_CAPITAL_AMOUNT",
    "NONE_DISPLAY",
    "currency_label",
    "amount_in_words",
    "is_chinese",
    "money_full",
    "money_short",
    "percent",
    "ratio",
    "rmb_capital",
]

NONE_DISPLAY = "—"
CENT = Decimal("0.01")
MAX_CAPITAL_AMOUNT = Decimal("999999999999.99")  # 玖仟玖佰玖拾玖亿…玖分: the largest 大写 amount

ZH_CURRENCY_NAMES = {"CNY": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元"}

# (power of ten, word), largest first; the last is the unit itself, without a word.
ZH_SCALES = ((8, "亿"), (4, "万"), (0, ""))
EN_SCALES = ((9, "billion"), (6, "million"), (0, ""))

CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_POSITIONS = ("", "拾", "佰", "仟")  # within a group of four digits, from the right
CAPITAL_GROUPS = ("亿", "万", "")  # groups of four digits, from the left


def is_chinese(language: str | None) -> bool:
    """True for ``zh-hans``, ``zh-Hant``, ``zh`` and any other Chinese language code."""
    return str(language or "").strip().lower().startswith("zh")


def currency_label(language: str | None, currency: str | None = "CNY") -> str:
    """``元`` in Chinese, ``CNY`` in English (美元 / USD and so on for other currencies)."""
    code = (currency or "CNY").strip().upper()
    if is_chinese(language):
        return ZH_CURRENCY_NAMES.get(code, code)
    return code


def money_short(amount, language: str | None, currency: str | None = "CNY") -> str:
    """The amount in the unit its reader expects: ``8.5 亿元`` / ``CNY 850 million``."""
    if amount is None:
        return NONE_DISPLAY
    value = _to_decimal(amount)
    chinese = is_chinese(language)
    with _context_for(value):
        number, word = _scaled(abs(value), ZH_SCALES if chinese else EN_SCALES)
        sign = "-" if value < 0 and number else ""
        # a plain figure keeps its cents whole (1,234.50); a figure in 万 or millions is trimmed
        text = _grouped(number, trim=bool(word) or number == number.to_integral_value())
    code = (currency or "CNY").strip().upper()
    if chinese:
        name = ZH_CURRENCY_NAMES.get(code)
        suffix = word + name if name else f"{word} {code}".strip()
        return f"{sign}{text} {suffix}"
    return f"{code} {sign}{text}" + (f" {word}" if word else "")


def money_full(amount, language: str | None, currency: str | None = "CNY") -> str:
    """Every digit to the cent: ``850,000,000.00 元`` / ``CNY 850,000,000.00``."""
    if amount is None:
        return NONE_DISPLAY
    value = _to_decimal(amount)
    with _context_for(value):
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
        sign = "-" if rounded < 0 else ""
        text = _grouped(abs(rounded), trim=False)
    label = currency_label(language, currency)
    if is_chinese(language):
        return f"{sign}{text} {label}"
    return f"{label} {sign}{text}"


def rmb_capital(amount) -> str:
    """The amount in Chinese capital numerals (人民币大写), as written on bank documents.

    Follows the People's Bank of China's rules for filling in instruments (《支付结算办法》
    附件《正确填写票据和结算凭证的基本规定》), without the leading "人民币" (the caller prints
    it as a label):

    * digits 壹贰叁肆伍陆柒捌玖, positions 拾佰仟, groups 万 and 亿, then 元 角 分; a ten is
      always written with its digit (``壹拾万元整``, never ``拾万元整``);
    * 整 after 元 when there are neither 角 nor 分 (``壹拾万元整``); no 整 after 角 or 分
      (``壹拾元叁角``, which the rules allow and banks accept; ``壹佰万元零伍分``);
    * one 零 for one or more zeros between non-zero digits (``陆仟零柒元壹角肆分``), also across
      a group boundary when the lower group starts with zeros or a whole group is zero
      (``壹拾万零壹佰元整``, ``壹亿零壹万元整``, ``壹亿零壹仟元整``);
    * 零 between 元 and 分 when 角 is zero (``壹万陆仟肆佰零玖元零贰分``);
    * where the rules leave 零 optional — the 万 or 元 position is zero but the next digit
      (千 or 角) is not — no 零 is written, as Chinese is read aloud: ``壹拾万柒仟元伍角叁分``
      for 107,000.53 and ``壹仟陆佰捌拾元叁角贰分`` for 1,680.32;
    * zero is ``零元整``; amounts below one yuan start at 角 or 分 (``伍角``, ``伍分``).

    Amounts from 0 to 9999,9999,9999.99. A negative amount, one with fractions of a cent or
    one beyond the range raises ``ValueError``.
    """
    yuan, fraction = _yuan_and_fen(amount, "rmb_capital", "Chinese capital numerals")
    jiao, fen = divmod(fraction, 10)

    parts: list[str] = []
    groups = ((yuan // 10**8) % 10**4, (yuan // 10**4) % 10**4, yuan % 10**4)
    skipped_group = False
    for group, unit in zip(groups, CAPITAL_GROUPS, strict=True):
        if not group:
            skipped_group = bool(parts)
            continue
        if parts and (skipped_group or group < 1000):
            parts.append("零")
        parts.append(_capital_group(group) + unit)
        skipped_group = False
    if parts:
        parts.append("元")
    if not jiao and not fen:
        return "".join(parts) + "整" if parts else "零元整"
    if jiao:
        parts.append(CAPITAL_DIGITS[jiao] + "角")
    elif parts:
        parts.append("零")
    if fen:
        parts.append(CAPITAL_DIGITS[fen] + "分")
    return "".join(parts)


EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
EN_GROUPS = ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, ""))


def amount_in_words(amount) -> str:
    """A yuan amount in English words, as a cheque writes it out: ``Two million five hundred
    thousand yuan only`` (no fen), ``One thousand six hundred eighty yuan and thirty-two fen``,
    ``Zero yuan only``; below one yuan ``Fifty-three fen``. The same range and refusals as
    :func:`rmb_capital`."""
    yuan, fen = _yuan_and_fen(amount, "amount_in_words", "Words")
    if yuan and fen:
        text = f"{_english_number(yuan)} yuan and {_english_number(fen)} fen"
    elif fen:
        text = f"{_english_number(fen)} fen"
    else:
        text = f"{_english_number(yuan)} yuan only"
    return text[0].upper() + text[1:]


def _english_number(number: int) -> str:
    """0 … 999,999,999,999 in English words, without "and": ``one hundred five``."""
    if number == 0:
        return EN_ONES[0]
    words = []
    for size, name in EN_GROUPS:
        group, number = divmod(number, size)
        if group:
            words.append(_english_hundreds(group) + (f" {name}" if name else ""))
    return " ".join(words)


def _english_hundreds(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    words = [f"{EN_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(EN_TENS[tens] + (f"-{EN_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(EN_ONES[rest])
    return " ".join(words)


def percent(value, places: int = 2) -> str:
    """A fraction as a percentage: ``0.174449`` → ``17.44 %``; ``None`` → ``—``."""
    if value is None:
        return NONE_DISPLAY
    number = _to_decimal(value)
    with _context_for(number):
        rounded = (number * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{_signed(rounded, places)} %"


def ratio(value, places: int = 2) -> str:
    """A multiple such as DPI, TVPI or MOIC: ``1.2345`` → ``1.23×``; ``None`` → ``—``."""
    if value is None:
        return NONE_DISPLAY
    number = _to_decimal(value)
    with _context_for(number):
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{_signed(rounded, places)}×"


def _yuan_and_fen(amount, caller: str, writer: str) -> tuple[int, int]:
    """The whole yuan and the fen of an amount that can be written out in full: from 0 to
    ``MAX_CAPITAL_AMOUNT``, to the cent; anything else raises."""
    if amount is None:
        raise TypeError(f"{caller}() needs an amount, not None.")
    value = _to_decimal(amount)
    if value < 0:
        raise ValueError(f"{writer} cannot write a negative amount ({value}).")
    if value > MAX_CAPITAL_AMOUNT:
        raise ValueError(f"{value} is beyond the largest amount, {MAX_CAPITAL_AMOUNT}.")
    if value != value.quantize(CENT):
        raise ValueError(f"{value} has fractions of a cent; round it to two decimals first.")
    return divmod(int(value.scaleb(2)), 100)


def _to_decimal(amount) -> Decimal:
    if isinstance(amount, bool):
        raise TypeError(f"Expected an amount, got {amount!r}.")
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, float):
        value = Decimal(repr(amount))  # the float as printed, not its binary expansion
    elif isinstance(amount, str):
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise ValueError(f"{amount!r} is not a number.") from None
    else:
        raise TypeError(f"Expected an amount, got {type(amount).__name__}.")
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not a finite amount.")
    return value


def _context_for(value: Decimal):
    """A decimal context precise enough to round ``value`` to the cent without overflow."""
    return localcontext(prec=max(28, value.adjusted() + 10))


def _scaled(magnitude: Decimal, scales) -> tuple[Decimal, str]:
    """``magnitude`` in the largest unit it reaches, rounded half up to the cent."""
    for index, (exponent, word) in enumerate(scales):
        if exponent and magnitude < Decimal(1).scaleb(exponent):
            continue
        number = magnitude.scaleb(-exponent).quantize(CENT, rounding=ROUND_HALF_UP)
        if index and number.scaleb(exponent) >= Decimal(1).scaleb(scales[index - 1][0]):
            # rounding carried it to the next unit: 9,999.9999 万 is 1 亿, not 10,000 万
            exponent, word = scales[index - 1]
            number = magnitude.scaleb(-exponent).quantize(CENT, rounding=ROUND_HALF_UP)
        return number, word
    raise AssertionError("the scales end with the exponent 0")  # pragma: no cover


def _grouped(number: Decimal, *, trim: bool) -> str:
    """``1234.50`` → ``1,234.50`` (or ``1,234.5`` with ``trim``); the sign is the caller's."""
    text = format(abs(number), ",f")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _signed(rounded: Decimal, places: int) -> str:
    if not rounded:
        rounded = abs(rounded)
    return format(rounded, f",.{places}f")


def _capital_group(group: int) -> str:
    """1 … 9999 in capital numerals, one 零 for inner zeros, trailing zeros unwritten."""
    words: list[str] = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if not digit:
            zero_pending = bool(words)
            continue
        if zero_pending:
            words.append("零")
            zero_pending = False
        words.append(CAPITAL_DIGITS[digit] + CAPITAL_POSITIONS[position])
    return "".join(words)
