"""Money as Chinese and English readers read it: worked examples and properties."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import (
    MAX_CAPITAL_AMOUNT,
    currency_label,
    is_chinese,
    money_full,
    money_short,
    percent,
    ratio,
    rmb_capital,
)

D = Decimal


# --- short form -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "chinese", "english"),
    [
        ("850000000", "8.5 亿元", "CNY 850 million"),
        ("850000000.00", "8.5 亿元", "CNY 850 million"),
        ("2500000000.00", "25 亿元", "CNY 2.5 billion"),
        ("100000000", "1 亿元", "CNY 100 million"),
        ("123456789012.34", "1,234.57 亿元", "CNY 123.46 billion"),
        ("999999999999.99", "10,000 亿元", "CNY 1,000 billion"),
        ("12345000", "1,234.5 万元", "CNY 12.35 million"),
        ("10000", "1 万元", "CNY 10,000"),
        ("250000", "25 万元", "CNY 250,000"),
        ("1234567", "123.46 万元", "CNY 1.23 million"),
        ("50000000", "5,000 万元", "CNY 50 million"),
        ("9999", "9,999 元", "CNY 9,999"),
        ("9999.99", "9,999.99 元", "CNY 9,999.99"),
        ("1234.5", "1,234.50 元", "CNY 1,234.50"),
        ("99.99", "99.99 元", "CNY 99.99"),
        ("0.005", "0.01 元", "CNY 0.01"),  # half up
        ("0.004", "0 元", "CNY 0"),
        ("0", "0 元", "CNY 0"),
        ("0.00", "0 元", "CNY 0"),
        ("-850000000", "-8.5 亿元", "CNY -850 million"),
        ("-12345", "-1.23 万元", "CNY -12,345"),
        ("-0.001", "0 元", "CNY 0"),  # rounds to zero: no sign
    ],
)
def test_money_short_in_both_languages(amount, chinese, english):
    assert money_short(D(amount), "zh-hans") == chinese
    assert money_short(D(amount), "en") == english


@pytest.mark.parametrize(
    ("amount", "chinese", "english"),
    [
        # rounding carries the figure into the next unit: the next unit is used
        ("99999999", "1 亿元", "CNY 100 million"),
        ("99999950", "1 亿元", "CNY 100 million"),
        ("99999949.99", "9,999.99 万元", "CNY 100 million"),
        ("99995000", "9,999.5 万元", "CNY 100 million"),
        ("9999.995", "1 万元", "CNY 10,000"),
        ("999999.995", "100 万元", "CNY 1 million"),
        ("999999999.99", "10 亿元", "CNY 1 billion"),
    ],
)
def test_money_short_moves_to_the_next_unit_when_rounding_reaches_it(amount, chinese, english):
    assert money_short(D(amount), "zh-hans") == chinese
    assert money_short(D(amount), "en") == english


def test_money_short_shows_a_dash_for_none():
    assert money_short(None, "zh-hans") == "—"
    assert money_short(None, "en") == "—"


def test_money_short_reads_any_chinese_language_code_as_chinese():
    for language in ("zh-hans", "zh-Hans", "zh", "zh-hant", "ZH-CN"):
        assert money_short(D("850000000"), language) == "8.5 亿元"
    for language in ("en", "en-gb", "fr", "", None):
        assert money_short(D("850000000"), language) == "CNY 850 million"


def test_money_short_names_other_currencies():
    assert money_short(D("850000000"), "zh-hans", "USD") == "8.5 亿美元"
    assert money_short(D("12000"), "zh-hans", "HKD") == "1.2 万港元"
    assert money_short(D("12"), "zh-hans", "EUR") == "12 欧元"
    assert money_short(D("850000000"), "en", "USD") == "USD 850 million"
    assert money_short(D("850000000"), "zh-hans", "GBP") == "8.5 亿 GBP"
    assert money_short(D("850"), "zh-hans", "gbp") == "850 GBP"


def test_money_short_accepts_ints_strings_and_floats():
    assert money_short(850000000, "zh-hans") == "8.5 亿元"
    assert money_short(" 850000000.00 ", "en") == "CNY 850 million"
    assert money_short(0.1, "zh-hans") == "0.10 元"


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", D("NaN"), D("-Infinity")])
def test_money_short_refuses_what_is_not_a_finite_number(bad):
    with pytest.raises(ValueError):
        money_short(bad, "en")


@pytest.mark.parametrize("bad", [True, [1], object()])
def test_money_short_refuses_what_is_not_an_amount(bad):
    with pytest.raises(TypeError):
        money_short(bad, "en")


# --- full form --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "chinese", "english"),
    [
        ("850000000", "850,000,000.00 元", "CNY 850,000,000.00"),
        ("2500000000.00", "2,500,000,000.00 元", "CNY 2,500,000,000.00"),
        ("1234.5", "1,234.50 元", "CNY 1,234.50"),
        ("99.99", "99.99 元", "CNY 99.99"),
        ("0", "0.00 元", "CNY 0.00"),
        ("0.005", "0.01 元", "CNY 0.01"),
        ("-1234567.891", "-1,234,567.89 元", "CNY -1,234,567.89"),
        ("-0.001", "0.00 元", "CNY 0.00"),
        ("999999999999.99", "999,999,999,999.99 元", "CNY 999,999,999,999.99"),
    ],
)
def test_money_full_in_both_languages(amount, chinese, english):
    assert money_full(D(amount), "zh-hans") == chinese
    assert money_full(D(amount), "en") == english


def test_money_full_in_another_currency_and_for_none():
    assert money_full(D("1000"), "zh-hans", currency="USD") == "1,000.00 美元"
    assert money_full(D("1000"), "en", currency="HKD") == "HKD 1,000.00"
    assert money_full(None, "zh-hans") == "—"


def test_money_full_of_a_very_large_amount_keeps_every_digit():
    assert money_full(D("1E+30"), "en") == "CNY 1" + ",000" * 10 + ".00"


def test_currency_label_by_language():
    assert currency_label("zh-hans") == "元"
    assert currency_label("en") == "CNY"
    assert currency_label("zh-hans", "USD") == "美元"
    assert currency_label("en", "usd") == "USD"
    assert currency_label("en", None) == "CNY"
    assert is_chinese("zh-hans") and not is_chinese("en") and not is_chinese(None)


# --- 人民币大写 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("10.30", "壹拾元叁角"),
        ("110", "壹佰壹拾元整"),
        ("100000", "壹拾万元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("1000000.05", "壹佰万元零伍分"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("100000001", "壹亿零壹元整"),
        ("1010101010.10", "壹拾亿壹仟零壹拾万壹仟零壹拾元壹角"),
        # the examples of the People's Bank's rules
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # below one yuan
        ("0.5", "伍角"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        # the demo figures
        ("850000000", "捌亿伍仟万元整"),
        ("2500000000.00", "贰拾伍亿元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_rmb_capital_follows_the_banking_rules(amount, words):
    assert rmb_capital(D(amount)) == words


def test_rmb_capital_accepts_ints_and_strings():
    assert rmb_capital(100000) == "壹拾万元整"
    assert rmb_capital("1000000.05") == "壹佰万元零伍分"
    assert rmb_capital(D("10.300")) == "壹拾元叁角"  # trailing zeros are not fractions of a cent


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-0.01", "negative"),
        ("-100", "negative"),
        ("1000000000000", "beyond"),
        ("999999999999.991", "beyond"),
        ("10.005", "fractions of a cent"),
        ("0.001", "fractions of a cent"),
        ("NaN", "finite"),
        ("abc", "not a number"),
    ],
)
def test_rmb_capital_refuses_what_it_cannot_write(amount, message):
    with pytest.raises(ValueError, match=message):
        rmb_capital(amount)


def test_rmb_capital_needs_an_amount():
    with pytest.raises(TypeError):
        rmb_capital(None)


# --- percentages and multiples ------------------------------------------------------------


def test_percent_and_ratio():
    assert percent(D("0.174449")) == "17.44 %"
    assert percent(0.174449) == "17.44 %"
    assert percent(D("0.174450")) == "17.45 %"
    assert percent(D("-0.05")) == "-5.00 %"
    assert percent(D("-0.000001")) == "0.00 %"
    assert percent(D("12.5")) == "1,250.00 %"
    assert percent(D("0.5"), 0) == "50 %"
    assert percent(None) == "—"
    assert ratio(D("1.2345")) == "1.23×"
    assert ratio(D("0")) == "0.00×"
    assert ratio(None) == "—"


# --- the template filters -------------------------------------------------------------------


def render(source, **context):
    return Template("{% load money %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "8.5 亿元|850,000,000.00 元|捌亿伍仟万元整|元"),
        ("en", "CNY 850 million|CNY 850,000,000.00|捌亿伍仟万元整|CNY"),
    ],
)
def test_filters_follow_the_active_language(language, expected):
    with translation.override(language):
        assert (
            render(
                "{{ a|money }}|{{ a|money_full }}|{{ a|rmb_capital }}|{{ 'CNY'|currency_label }}",
                a=D("850000000.00"),
            )
            == expected
        )


def test_filters_take_the_currency_as_argument():
    with translation.override("zh-hans"):
        assert render("{{ a|money:c }} {{ a|money_full:c }}", a=D("12000"), c="USD") == (
            "1.2 万美元 12,000.00 美元"
        )
    with translation.override("en"):
        assert render("{{ a|money:c }}", a=D("12000"), c="") == "CNY 12,000"


def test_filters_show_a_dash_for_nothing_and_do_not_break_on_garbage():
    with translation.override("en"):
        assert render("{{ a|money }} {{ a|money_full }} {{ a|rmb_capital }}", a=None) == "— — —"
        assert render("{{ a|money }}|{{ a|percent }}|{{ a|ratio }}", a="n/a") == "n/a|n/a|n/a"
        assert render("[{{ a|rmb_capital }}]", a=D("-5")) == "[]"
        assert render("{{ a|percent }} {{ b|ratio }}", a=D("0.1744"), b=D("2")) == ("17.44 % 2.00×")


# --- properties -----------------------------------------------------------------------------

CAPITAL_VALUES = {d: i for i, d in enumerate("零壹贰叁肆伍陆柒捌玖")}
POSITION_VALUES = {"拾": 10, "佰": 100, "仟": 1000}


def parse_capital(words: str) -> Decimal:
    """Chinese capital numerals back to an amount, written apart from ``rmb_capital``.

    Reads left to right, accumulating digit × position inside the current section and
    closing a section at 亿 / 万 / 元; checks the shape banks require on the way.
    """
    assert re.fullmatch(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+", words), words
    assert "零零" not in words, words
    if words == "零元整":
        return Decimal(0)
    assert not words.startswith("零"), words
    assert "零元" not in words and "零万" not in words and "零亿" not in words, words
    assert words.endswith(("元整", "角", "分")), words
    assert words.count("整") <= 1 and words.count("元") <= 1, words

    sections = {"亿": 0, "万": 0, "元": 0}
    fraction = Decimal(0)
    section = 0
    digit = None
    for char in words.removesuffix("整"):
        if char == "零":
            continue
        if char in CAPITAL_VALUES:
            assert digit is None, f"two digits in a row in {words}"
            digit = CAPITAL_VALUES[char]
        elif char in POSITION_VALUES:
            assert digit is not None, f"a position without its digit in {words}"
            section += digit * POSITION_VALUES[char]
            digit = None
        elif char in sections:
            section += digit or 0
            assert section < 10000 and (section or char == "元"), words
            sections[char] = section
            section, digit = 0, None
        else:  # 角 or 分
            assert digit is not None, words
            fraction += Decimal(digit) / (10 if char == "角" else 100)
            digit = None
    assert digit is None and section == 0, f"a digit without a unit in {words}"
    return sections["亿"] * 10**8 + sections["万"] * 10**4 + sections["元"] + fraction


def test_the_independent_parser_reads_the_banks_examples():
    assert parse_capital("壹仟肆佰零玖元伍角") == D("1409.50")
    assert parse_capital("壹拾万柒仟元伍角叁分") == D("107000.53")
    assert parse_capital("壹亿零壹万元整") == D("100010000")
    assert parse_capital("零元整") == 0


CAPITAL_AMOUNTS = st.decimals(min_value=0, max_value=MAX_CAPITAL_AMOUNT, places=2)
# amounts built from sparse digits, so that runs of zeros (the hard cases) come up often
SPARSE_AMOUNTS = st.lists(st.sampled_from([0, 0, 0, 0, 1, 5, 9]), min_size=14, max_size=14).map(
    lambda digits: Decimal(int("".join(map(str, digits)))).scaleb(-2)
)


@given(st.one_of(CAPITAL_AMOUNTS, SPARSE_AMOUNTS))
def test_rmb_capital_round_trips_through_an_independent_parser(amount):
    assert parse_capital(rmb_capital(amount)) == amount


def expected_zeros(amount: Decimal) -> int:
    """How many 零 the rules ask for, counted on the digits of the amount in cents.

    Each run of zeros between two non-zero digits takes one 零, except a run ending on the
    元 position (``壹仟陆佰捌拾元叁角``), on the 亿 position, or on the 万 position without
    spanning a whole group of four (``壹拾万柒仟元``) — where the rules make it optional.
    """
    digits = str(int(amount.scaleb(2)))
    count = 0
    for run in re.finditer(r"(?<=[1-9])0+(?=[1-9])", digits):
        lowest = len(digits) - run.end()  # 0 分, 1 角, 2 元, 3 拾, … 6 万, … 10 亿
        if lowest in (2, 10) or (lowest == 6 and len(run.group()) < 4):
            continue
        count += 1
    return count


@given(st.one_of(CAPITAL_AMOUNTS, SPARSE_AMOUNTS))
def test_rmb_capital_writes_one_zero_where_the_rules_ask_for_one(amount):
    assert rmb_capital(amount).count("零") == expected_zeros(amount) or amount == 0


MONEY = st.decimals(min_value=-MAX_CAPITAL_AMOUNT, max_value=MAX_CAPITAL_AMOUNT)


def parse_full(text: str) -> Decimal:
    number = text.removesuffix(" 元").removeprefix("CNY ")
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", number), text
    return Decimal(number.replace(",", ""))


@given(MONEY, st.sampled_from(["zh-hans", "en"]))
def test_money_full_parses_back_to_the_amount_to_the_cent(amount, language):
    text = money_full(amount, language)
    assert text.endswith(" 元") if language == "zh-hans" else text.startswith("CNY ")
    expected = amount.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert parse_full(text) == expected


@given(st.one_of(MONEY, st.decimals(allow_nan=False, allow_infinity=False)))
def test_money_short_never_raises(amount):
    chinese = money_short(amount, "zh-hans")
    english = money_short(amount, "en")
    assert re.fullmatch(r"-?[\d,]+(\.\d{1,2})? (亿|万)?元", chinese), chinese
    assert re.fullmatch(r"CNY -?[\d,]+(\.\d{1,2})?( million| billion)?", english), english


@given(MONEY)
def test_money_short_is_within_a_cent_of_the_unit_of_the_amount(amount):
    text = money_short(amount, "zh-hans")
    number, unit = text.split(" ")
    scale = {"亿元": 10**8, "万元": 10**4, "元": 1}[unit]
    shown = Decimal(number.replace(",", "")) * scale
    assert abs(shown - amount) <= Decimal("0.005") * scale


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("2500000", "Two million five hundred thousand yuan only"),
        ("1680.32", "One thousand six hundred eighty yuan and thirty-two fen"),
        ("100100", "One hundred thousand one hundred yuan only"),
        ("6000000.01", "Six million yuan and one fen"),
        ("1000000001.05", "One billion one yuan and five fen"),
        ("115", "One hundred fifteen yuan only"),
        ("0.53", "Fifty-three fen"),
        ("0", "Zero yuan only"),
    ],
)
def test_amount_in_words_writes_yuan_and_fen_out_in_english(amount, words):
    from core.money import amount_in_words

    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-1", "0.001", "1000000000000"])
def test_amount_in_words_refuses_what_rmb_capital_refuses(amount):
    from core.money import amount_in_words

    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount))
    with pytest.raises(ValueError):
        rmb_capital(Decimal(amount))
