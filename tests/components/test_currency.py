"""The exchange-rate check: ECB history read offline, windows around a period, rounding slack."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chinatech.components.currency import Amount, check_equivalent, period_window, rate_range, rounding_slack


@pytest.mark.parametrize(("period", "expected"), [
    ("2019", (date(2018, 12, 2), date(2020, 1, 30))),
    ("2019-05", (date(2019, 4, 1), date(2019, 6, 30))),
    ("2019-Q2", (date(2019, 3, 2), date(2019, 7, 30))),
    ("2019-W20", (date(2019, 4, 13), date(2019, 6, 18))),
    ("2019-05-17", (date(2019, 4, 17), date(2019, 6, 16))),
    ("", None),
    (None, None),
    ("recent years", None),
    ("2019-13", None),
])
def test_period_window(period, expected):
    assert period_window(period) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("US$6.64 billion", 0.005 / 6.64),
    ("$450M", 5 / 450),  # a trailing zero may be rounding: known to the ten
    ("5,000 yuan", 500 / 5000),
    ("RMB 45.3 billion", 0.05 / 45.3),
    ("no digits", 0.0),
    ("0", 0.0),
])
def test_rounding_slack(text, expected):
    assert rounding_slack(text) == pytest.approx(expected)


def test_rate_range_in_a_window():
    found = rate_range("CNY", "USD", date(2019, 5, 1), date(2019, 5, 31))
    assert found is not None
    assert 6.6 < found.low <= found.high < 7.0
    assert date(2019, 5, 1) <= found.first <= found.last <= date(2019, 5, 31)


def test_rate_range_falls_back_to_the_nearest_day():
    # CNY is in the ECB data from 2005 on: a window before that uses the first day.
    found = rate_range("CNY", "USD", date(2001, 1, 1), date(2001, 12, 31))
    assert found is not None and found.first == found.last and found.first.year == 2005


def test_rate_range_unknown_currency():
    assert rate_range("TWD", "USD") is None


@pytest.mark.parametrize(("first", "second", "period", "expected"), [
    (Amount(45.3e9, "CNY", "RMB 45.3 billion"), Amount(6.6e9, "USD", "US$6.6 billion"), "2020",
     "ok 6.864 CNY/USD (ECB 6.431-7.159, 2019-12-02..2021-01-29)"),
    (Amount(6.6e9, "USD", "US$6.6 billion"), Amount(45.3e9, "CNY", "RMB 45.3 billion"), "2014-06-20",
     "mismatch: implied 6.864 CNY/USD, ECB 6.2-6.255, 2014-05-21..2014-07-18"),
    (Amount(10e9, "HKD", "HK$10bn"), Amount(1.28e9, "USD", "US$1.28bn"), "2021-Q2",
     "ok 7.812 HKD/USD (ECB 7.757-7.786, 2021-03-02..2021-07-30)"),
    (Amount(1e9, "EUR", "€1.00bn"), Amount(1.1e9, "USD", "$1.10bn"), "2020",
     "ok 1.1 USD/EUR (ECB 1.071-1.234, 2019-12-02..2021-01-29)"),
    (Amount(10e9, "TWD", "NT$10bn"), Amount(0.3e9, "USD", "US$0.3bn"), "2021", "unchecked: no ECB rate for TWD/USD"),
    (Amount(5e6, "USD", "$5m"), Amount(5e6, "USD", "$5m"), None, ""),
])
def test_check_equivalent(first, second, period, expected):
    assert check_equivalent(first, second, period=period) == expected


@given(rate=st.floats(min_value=6.75, max_value=6.85), usd=st.floats(min_value=1, max_value=1e12))
def test_a_conversion_at_the_ecb_rate_of_the_day_is_ok(rate, usd):
    # CNY/USD stayed between 6.69 and 6.93 around May 2019.
    assert check_equivalent(Amount(usd * rate, "CNY", ""), Amount(usd, "USD", ""), period="2019-05-15").startswith("ok ")


def test_without_a_date_the_whole_history_is_the_window():
    result = check_equivalent(Amount(45.3e9, "CNY", "RMB 45.3 billion"), Amount(6.6e9, "USD", "US$6.6 billion"))
    assert result.startswith("ok 6.864 CNY/USD (ECB 6.0") and "2005-04-01.." in result
    assert check_equivalent(Amount(45.3e9, "CNY", "45.3"), Amount(1e9, "USD", "1.00")).startswith("mismatch: implied 45.3")
