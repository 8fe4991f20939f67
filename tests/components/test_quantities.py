"""The quantity normaliser: a table of written forms, then properties that must hold for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chinatech.components.quantities import (
    Quantity, Units, find_quantity, load_units, parse_number, parse_quantity, pluralise,
)

UNITS = load_units()


def q(value, unit=None, qualifier=None, approximate_scale=False):
    return Quantity(value, None, None, unit, qualifier, approximate_scale)


def r(low, high, unit=None, qualifier=None):
    return Quantity(None, low, high, unit, qualifier)


def vague(value, unit=None, qualifier="approx"):
    return Quantity(value, None, None, unit, qualifier, True)


CASES = [
    # money: symbols, codes and words, before or after, glued or spaced
    ("$186M", q(186_000_000.0, "USD")),
    ("US$1.5 billion", q(1_500_000_000.0, "USD")),
    ("USD 2.75 billion", q(2_750_000_000.0, "USD")),
    ("2.75 billion USD", q(2_750_000_000.0, "USD")),
    ("RMB 18.4 billion", q(18_400_000_000.0, "CNY")),
    ("18.4 billion yuan", q(18_400_000_000.0, "CNY")),
    ("RMB18.4bn", q(18_400_000_000.0, "CNY")),
    ("¥100 million", q(100_000_000.0, "CNY")),
    ("JP¥500 billion", q(500_000_000_000.0, "JPY")),
    ("500 billion yen", q(500_000_000_000.0, "JPY")),
    ("HK$3.5bn", q(3_500_000_000.0, "HKD")),
    ("3 billion Hong Kong dollars", q(3_000_000_000.0, "HKD")),
    ("€2bn", q(2_000_000_000.0, "EUR")),
    ("5 million euros", q(5_000_000.0, "EUR")),
    ("£40m", q(40_000_000.0, "GBP")),
    ("$5", q(5.0, "USD")),
    ("5 dollars", q(5.0, "USD")),
    ("$1.2 trillion", q(1_200_000_000_000.0, "USD")),
    ("$1.2T", q(1_200_000_000_000.0, "USD")),
    ("NT$10 billion", q(10_000_000_000.0, "TWD")),
    ("$2.5k", q(2_500.0, "USD")),
    ("S$2 million", q(2_000_000.0, "SGD")),
    ("A$1.5bn", q(1_500_000_000.0, "AUD")),
    ("₩1.2 trillion", q(1_200_000_000_000.0, "KRW")),
    ("Rs 500 crore", q(5_000_000_000.0, "INR")),
    ("50 wan yuan", q(500_000.0, "CNY")),
    ("€2,000", q(2_000.0, "EUR")),
    ("a billion dollars", q(1_000_000_000.0, "USD")),
    ("5 billion U.S. dollars", q(5_000_000_000.0, "USD")),
    ("$1.5-billion deal", q(1_500_000_000.0, "USD")),
    ("about US$1.5 billion", q(1_500_000_000.0, "USD", "approx")),
    ("-$5m", q(-5_000_000.0, "USD")),
    # percentages
    ("17.6%", q(17.6, "percent")),
    ("17.6 percent", q(17.6, "percent")),
    ("17.6 per cent", q(17.6, "percent")),
    ("-4%", q(-4.0, "percent")),
    ("−4.5%", q(-4.5, "percent")),
    ("five percent", q(5.0, "percent")),
    ("12 percentage points", q(12.0, "percentage points")),
    ("50 basis points", q(50.0, "basis points")),
    ("nearly 30%", q(30.0, "percent", "approx")),
    ("~5%", q(5.0, "percent", "approx")),
    # counts and their nouns
    ("4 million developers", q(4_000_000.0, "developers")),
    ("645 million internet users", q(645_000_000.0, "users")),
    ("215 million daily active users", q(215_000_000.0, "users")),
    ("four consecutive quarters", q(4.0, "quarters")),
    ("over a dozen provinces", q(12.0, "provinces", "min")),
    ("more than 100 countries", q(100.0, "countries", "min")),
    ("almost 50", q(50.0, None, "approx")),
    ("a dozen", q(12.0)),
    ("2 dozen", q(24.0)),
    ("15-second", q(15.0, "seconds")),
    ("10-year", q(10.0, "years")),
    ("a 10-year-old company", q(10.0, "years")),
    ("five-year", q(5.0, "years")),
    ("1 developer", q(1.0, "developers")),
    ("1 child", q(1.0, "children")),
    ("3 people", q(3.0, "people")),
    ("2 GPUs", q(2.0, "GPUs")),
    ("20 buses", q(20.0, "buses")),
    ("5 million units shipped", q(5_000_000.0, "units")),
    ("3 times", q(3.0, "times")),
    ("10x", q(10.0, "times")),
    ("10-fold", q(10.0, "times")),
    ("two", q(2.0)),
    ("twenty", q(20.0)),
    ("forty-two", q(42.0)),
    ("one hundred and five", q(105.0)),
    ("half a million", q(500_000.0)),
    ("two and a half billion", q(2_500_000_000.0)),
    ("a couple of", q(2.0)),
    ("five thousand million", q(5_000_000_000.0)),
    ("1,234", q(1_234.0)),
    ("1,00,000", q(100_000.0)),
    ("3.5", q(3.5)),
    ("186M", q(186_000_000.0)),
    ("3bn", q(3_000_000_000.0)),
    ("2018", q(2018.0)),
    ("an estimated 5 million people", q(5_000_000.0, "people", "approx")),
    ("up to 500 jobs", q(500.0, "jobs", "max")),
    ("at least 3 companies", q(3.0, "companies", "min")),
    ("no more than 5", q(5.0, None, "max")),
    ("5,000-plus employees", q(5_000.0, "employees", "min")),
    ("100+ countries", q(100.0, "countries", "min")),
    ("100 countries or more", q(100.0, "countries", "min")),
    ("40-odd", q(40.0, None, "approx")),
    ("two-thirds", q(2 / 3)),
    ("a third of", q(1 / 3)),
    # vague plurals: 2 x the unit, approximate
    ("dozens", vague(24.0)),
    ("billions", vague(2_000_000_000.0)),
    ("thousands of developers", vague(2_000.0, "developers")),
    ("tens of millions of users", vague(20_000_000.0, "users")),
    ("hundreds of millions", vague(200_000_000.0)),
    ("billions of dollars", vague(2_000_000_000.0, "USD")),
    ("several hundred", vague(300.0)),
    ("a few thousand employees", vague(3_000.0, "employees")),
    ("up to thousands of jobs", vague(2_000.0, "jobs", "max")),
    # ranges: scale and unit shared by both ends
    ("between 30 million and 45 million units", r(30_000_000.0, 45_000_000.0, "units")),
    ("40-60 million", r(40_000_000.0, 60_000_000.0)),
    ("40 to 60 million", r(40_000_000.0, 60_000_000.0)),
    ("forty to sixty million", r(40_000_000.0, 60_000_000.0)),
    ("10 to 15 years", r(10.0, 15.0, "years")),
    ("$3-5 billion", r(3_000_000_000.0, 5_000_000_000.0, "USD")),
    ("RMB 3 billion to RMB 5 billion", r(3_000_000_000.0, 5_000_000_000.0, "CNY")),
    ("from 10% to 15%", r(10.0, 15.0, "percent")),
    ("between 5 and 10 percent", r(5.0, 10.0, "percent")),
    ("10–15%", r(10.0, 15.0, "percent")),
    ("about 40-60 million", r(40_000_000.0, 60_000_000.0, None, "approx")),
    ("approximately between 40 and 60 million units", r(40_000_000.0, 60_000_000.0, "units", "approx")),
    ("500 to 1 billion", r(500.0, 1_000_000_000.0)),
    # ranks
    ("No. 1", q(1.0, "rank")),
    ("No.1", q(1.0, "rank")),
    ("#1", q(1.0, "rank")),
    ("number one", q(1.0, "rank")),
    ("first", q(1.0, "rank")),
    ("second largest", q(2.0, "rank")),
    ("third-biggest", q(3.0, "rank")),
    ("twenty-first", q(21.0, "rank")),
    ("22nd", q(22.0, "rank")),
    ("top three", q(3.0, "rank", "max")),
    ("top-10", q(10.0, "rank", "max")),
    ("top 10%", q(10.0, "percent")),
    # no number at all, or digits that belong to a name or a date
    ("", None),
    ("the", None),
    ("China", None),
    ("Series B", None),
    ("no number here at all", None),
    ("million", None),
    ("tens", None),
    ("5G", None),
    ("COVID-19", None),
    ("Q3", None),
    ("24/7", None),
    ("2020-01-05", None),
]


# A scale or unit written on the last number of a list or a change applies to the bare
# numbers before it; each number is its own value (read here: the first). "between" and a
# plain "from A to B" with no verb of change stay ranges.
SHARED = [
    ("9 and 7.5 million units", q(9_000_000.0, "units")),
    ("4 or 5 percent", q(4.0, "percent")),
    ("2 and 3 billion yuan", q(2_000_000_000.0, "CNY")),
    ("slid from 9.4 to 6.2 million", q(9_400_000.0)),
    ("climbed sharply from 20 to 35 percent", q(20.0, "percent")),
    ("ages range from 16 to 30 years", r(16.0, 30.0, "years")),
    ("between 4 and 6 million units", r(4_000_000.0, 6_000_000.0, "units")),
    ("3.1 million year over year", q(3_100_000.0)),
    ("HKD88.40", q(88.4, "HKD")),
    ("RMB7bn", q(7_000_000_000.0, "CNY")),
    ("two million cars", q(2_000_000.0, "cars")),
]


@pytest.mark.parametrize(("text", "expected"), SHARED, ids=[c[0] for c in SHARED])
def test_scale_and_unit_shared_in_lists_and_changes(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(("text", "at", "span"), [
    ("Oppo and Honor shipped 9 and 7.5 million units", 23, "9"),
    ("Oppo and Honor shipped 9 and 7.5 million units", 29, "7.5 million units"),
    ("shipments slid from 9.4 to 6.2 million year over year", 20, "9.4"),
    ("shipments slid from 9.4 to 6.2 million year over year", 27, "6.2 million"),
])
def test_each_listed_number_is_found_on_its_own(text, at, span):
    found = find_quantity(text, at=at)
    assert found is not None and text[found.start:found.end] == span


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_parse_quantity_table(text, expected):
    assert parse_quantity(text) == expected


def test_table_is_large_enough():
    assert len(CASES) >= 70


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234.5", 1234.5),
    ("18.4 billion", 18_400_000_000.0),
    ("186M", 186_000_000.0),
    ("3bn", 3_000_000_000.0),
    ("2.5k", 2_500.0),
    ("twenty", 20.0),
    ("a dozen", 12.0),
    ("forty-two", 42.0),
    ("one hundred and five", 105.0),
    ("half a million", 500_000.0),
    ("revenue of $3.5 million", 3_500_000.0),
    ("-7", -7.0),
    ("40-60 million", 40.0),
    ("", None),
    ("none here", None),
    ("5G", None),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_default_units_are_cached_and_complete():
    assert load_units() is load_units()
    assert isinstance(UNITS, Units)
    assert UNITS.currency("¥") == "CNY" and UNITS.currency("JP¥") == "JPY"
    assert UNITS.currency_words["yen"] == "JPY"
    assert {"fell", "declined", "dropped"} <= UNITS.decrease_words


def test_extra_units_extend_the_defaults():
    units = load_units({"currencies": {"words": {"bitcoin": "BTC"}}, "scales": {"abbreviations": {"mm": 1000000}}})
    assert parse_quantity("3 bitcoin", units=units) == q(3.0, "BTC")
    assert parse_quantity("$5mm", units=units) == q(5_000_000.0, "USD")
    assert parse_quantity("18.4 billion yuan", units=units) == q(18_400_000_000.0, "CNY")
    assert parse_quantity("3 bitcoin") == q(3.0, "bitcoins")  # the default is untouched


def test_yaml_booleans_are_rejected():
    with pytest.raises(ValueError, match="string"):
        load_units({"units": {"stopwords": [False]}})


# ---------------------------------------------------------------- properties

SCALES = sorted({**UNITS.scale_words, **UNITS.scale_abbreviations}.items())
PREFIX_CURRENCIES = sorted({**UNITS.currency_symbols, **UNITS.currency_codes}.items())
SUFFIX_CURRENCIES = sorted(UNITS.currency_words.items())


def _written(number: str, scale: str) -> str:
    # One-letter abbreviations are only read when glued to the digits ("186M").
    return number + scale if len(scale) == 1 else f"{number} {scale}"


@settings(max_examples=300)
@given(
    v=st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    scale=st.sampled_from(SCALES),
    currency=st.one_of(
        st.tuples(st.just("prefix"), st.sampled_from(PREFIX_CURRENCIES)),
        st.tuples(st.just("suffix"), st.sampled_from(SUFFIX_CURRENCIES)),
    ),
    separators=st.booleans(),
)
def test_format_then_parse_round_trips(v, scale, currency, separators):
    number = f"{v:,.4f}" if separators else f"{v:.4f}"
    body = _written(number, scale[0])
    place, (form, iso) = currency
    text = f"{form}{body}" if place == "prefix" else f"{body} {form}"
    result = parse_quantity(text)
    expected = float(number.replace(",", "")) * float(scale[1])
    assert result is not None, text
    assert result.unit == iso, text
    assert math.isclose(result.value, expected, rel_tol=1e-9), text


def _finite_or_none(x):
    return x is None or (isinstance(x, float) and math.isfinite(x))


@settings(max_examples=500)
@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    result = parse_quantity(text)
    assert result is None or isinstance(result, Quantity)
    if result is not None:
        assert all(_finite_or_none(x) for x in (result.value, result.value_min, result.value_max))
        if result.value is None:
            assert result.value_min is not None and result.value_min <= result.value_max


NUMBERISH = st.lists(
    st.sampled_from(["1", "12", "1,234", "3.5", "$", "%", "-", " ", "to", "and", "between", "million", "bn",
                     "M", "k", "a", "dozen", "dozens", "of", "top", "No.", "first", "about", "over", "+",
                     "twenty", "-", "one", "hundred", "and", "half", "yuan", "users", "9" * 60, "."]),
    max_size=12,
).map(" ".join)


@settings(max_examples=500)
@given(NUMBERISH)
def test_never_raises_on_number_like_text(text):
    result = parse_quantity(text)
    if result is not None:
        assert all(_finite_or_none(x) for x in (result.value, result.value_min, result.value_max))


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators(n):
    assert parse_number(f"{n:,}") == n


@given(
    a=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    b=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    form=st.sampled_from(["{a}-{b}", "{a} to {b}", "between {a} and {b}", "from {a} to {b}", "{a}–{b} million",
                          "${a}-{b} billion", "{a}% to {b}%", "about {a} to {b} units"]),
)
def test_ranges_have_no_value_and_ordered_bounds(a, b, form):
    result = parse_quantity(form.format(a=f"{a:.2f}", b=f"{b:.2f}"))
    assert result is not None
    assert result.value is None
    assert result.value_min <= result.value_max


# ---------------------------------------------------------------- where the words are

FOUND = [
    # (text, at, expected text of the span, expected text of the counted noun or None)
    ("sold in more than 70 markets", 8, "more than 70 markets", "markets"),
    ("sales dropped by between 2 million and 3 million units, it said", 17,
     "between 2 million and 3 million units", "units"),
    ("paid about 5 billion U.S. dollars in cash", 5, "about 5 billion U.S. dollars", None),
    ("ads of 30-second length", 7, "30-second", None),
    ("nearly a dozen plants with", 0, "nearly a dozen plants", "plants"),
    ("No. 3 in Korea", 0, "No. 3", None),
    ("priced from 309,900 yuan", 7, "309,900 yuan", None),
    ("grew 17.5% a year", 0, "17.5%", None),
]


@pytest.mark.parametrize(("text", "at", "span", "noun"), FOUND, ids=[f[0] for f in FOUND])
def test_find_quantity_offsets(text, at, span, noun):
    found = find_quantity(text, at=at)
    assert found is not None
    assert text[found.start:found.end] == span
    assert (text[found.noun_start:found.end] if found.noun_start is not None else None) == noun


def test_find_quantity_window():
    text = "In 2019 it had 5G and 300 staff"
    assert find_quantity(text, at=0, until=7).quantity.value == 2019.0
    assert find_quantity(text, at=15, until=17) is None  # "5G" is a name; nothing else starts there
    assert find_quantity(text, at=22).quantity == q(300.0, "staff")


@given(st.text(alphabet="0123456789 .,$%U.S.abc-", max_size=30))
def test_found_offsets_are_inside_the_text(text):
    found = find_quantity(text)
    if found is not None:
        assert 0 <= found.start < found.end <= len(text)
        assert found.noun_start is None or found.start <= found.noun_start <= found.end


@pytest.mark.parametrize(("word", "plural"), [
    ("user", "users"), ("users", "users"), ("city", "cities"), ("GPU", "GPUs"), ("person", "people"),
    ("software", "software"), ("iPhone", "iPhones"), ("analysis", "analyses"),
])
def test_pluralise(word, plural):
    assert pluralise(word) == plural
