"""Normalise the text of a quantity span into a value or range, a unit and a qualifier.

"about US$1.5bn" -> 1.5e9 USD approx; "40-60 million units" -> 4e7..6e7 units;
"No. 1" -> 1 rank; "dozens" -> 24 approx (vague). Pure functions, no spaCy: the
metrics component calls parse_quantity on every numeric entity, so all vocabulary
is compiled once per Units (data/units.yaml) and the grammar here is a single pass
over a short token list. The sign of a change (fell 4%) is the caller's business.
find_quantity does the same inside a longer text and says where the words are, so a
caller can cut the exact span ("more than 100 countries") out of a sentence.

Decisions (the vocabulary side is documented in units.yaml):
- a bare "¥" is CNY (China news); "JP¥" and "yen" are JPY;
- "top three" -> 3, unit "rank", qualifier "max" (rank 3 or better);
- vague plurals ("dozens", "thousands", "tens of millions") -> 2 x the unit,
  approximate_scale=True, qualifier "approx" unless the text says "up to", "over"...;
- ranges share the scale and unit written on one end ("$3-5 billion");
- digits glued to letters ("5G", "Q3", "7nm") or in dates/versions ("24/7", "1.2.3")
  are names, not quantities; fractions ("two-thirds") give a value with unit None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Mapping, NamedTuple


__all__ = ["Found", "Quantity", "Units", "find_quantity", "load_units", "parse_number", "parse_quantity", "pluralise"]


@dataclass(frozen=True)
class Quantity:
    value: float | None  # fully scaled; None for a range
    value_min: float | None  # for ranges only
    value_max: float | None
    unit: str | None  # ISO 4217 code, "percent", "rank", a plural counted noun, or None
    qualifier: str | None  # "approx" | "min" | "max" | None
    approximate_scale: bool = False  # vague plurals: "billions", "dozens"


@dataclass(frozen=True, eq=False)
class Units:
    """Vocabulary from data/units.yaml plus the patterns compiled from it.

    eq=False keeps instances hashable by identity although they hold dicts.
    """

    currency_symbols: Mapping[str, str]
    currency_codes: Mapping[str, str]
    currency_words: Mapping[str, str]
    scale_words: Mapping[str, Decimal]
    scale_abbreviations: Mapping[str, Decimal]
    number_words: Mapping[str, Decimal]
    multipliers: Mapping[str, Decimal]
    standalone_multipliers: frozenset[str]
    articles: frozenset[str]
    half_words: frozenset[str]
    couple_words: Mapping[str, Decimal]
    conjunctions: frozenset[str]
    ordinals: Mapping[str, int]
    sequence_nouns: frozenset[str]
    ordinal_suffixes: frozenset[str]
    fractions: Mapping[str, int]
    ambiguous_fraction_plurals: frozenset[str]
    vague_factor: Decimal
    vague_plurals: Mapping[str, Decimal]
    vague_need_of: frozenset[str]
    vague_counts: Mapping[str, Decimal]
    prefix_qualifiers: Mapping[str, str]
    suffix_qualifiers: Mapping[str, str]
    percent_units: Mapping[str, str]
    rank_markers: Mapping[str, str]
    rank_top_words: frozenset[str]
    range_markers: frozenset[str]
    range_connectors: frozenset[str]
    between_words: frozenset[str]
    range_and_words: frozenset[str]
    list_words: frozenset[str]
    change_words: frozenset[str]
    change_window: int
    comparison_joiners: frozenset[str]
    unit_stopwords: frozenset[str]
    figure_nouns: frozenset[str]
    unit_aliases: Mapping[str, str]
    irregular_plurals: Mapping[str, str]
    invariant_plurals: frozenset[str]
    invariant_suffixes: tuple[str, ...]
    decrease_words: frozenset[str]
    glue_suffixes: frozenset[str] = field(repr=False)
    phrase_tokens: int = field(repr=False)
    token_re: re.Pattern[str] = field(repr=False)
    prefix_qualifier_re: re.Pattern[str] = field(repr=False)
    suffix_qualifier_re: re.Pattern[str] = field(repr=False)

    def currency(self, symbol: str) -> str | None:
        return self.currency_symbols.get(symbol) or self.currency_codes.get(symbol)


# ---------------------------------------------------------------- loading units.yaml

def _default_data() -> Mapping[str, Any]:
    from ..knowledge import read_data  # parsed once per process, with libyaml when present

    return read_data("units.yaml")


@lru_cache(maxsize=1)
def _default_units() -> Units:
    return _build_units(_default_data())


def load_units(extra: Mapping[str, Any] | None = None) -> Units:
    """Units from data/units.yaml, optionally extended with entries of the same shape.

    extra mirrors the YAML layout, e.g. {"currencies": {"words": {"ringgit": "MYR"}}};
    mappings are merged key by key, lists extended. Without extra the result is cached.
    """
    if not extra:
        return _default_units()
    return _build_units(_merge(_default_data(), extra))


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(extra, Mapping):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [item for item in extra if item not in base]
    return extra


def _section(data: Mapping[str, Any], *path: str) -> Any:
    node: Any = data
    for key in path:
        node = (node or {}).get(key) if isinstance(node, Mapping) else None
    return node if node is not None else {}


def _strings(items: Iterable[Any], where: str) -> list[str]:
    # YAML 1.1 turns bare no/on/off into booleans: fail loudly instead of matching "False".
    out = []
    for item in items or ():
        if not isinstance(item, str):
            raise ValueError(f"units.yaml {where}: {item!r} must be a string (quote it)")
        out.append(item)
    return out


def _words(data: Mapping[str, Any], *path: str) -> frozenset[str]:
    return frozenset(s.lower() for s in _strings(_section(data, *path), ".".join(path)))


def _numbers(data: Mapping[str, Any], *path: str, lower: bool = True) -> dict[str, Decimal]:
    table = _section(data, *path)
    keys = _strings(table, ".".join(path))
    return {(k.lower() if lower else k): Decimal(str(table[k])) for k in keys}


def _labels(data: Mapping[str, Any], *path: str, lower: bool = True) -> dict[str, str]:
    table = _section(data, *path)
    keys = _strings(table, ".".join(path))
    return {(_norm(k) if lower else k): str(table[k]) for k in keys}


def _kinds(data: Mapping[str, Any], *path: str) -> dict[str, str]:
    """{"approx": [phrases]} -> {phrase: "approx"}."""
    table = _section(data, *path)
    return {_norm(p): kind for kind in table for p in _strings(table[kind], ".".join((*path, kind)))}


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _build_units(data: Mapping[str, Any]) -> Units:
    symbols = _labels(data, "currencies", "symbols", lower=False)
    codes = _labels(data, "currencies", "codes", lower=False)
    tables = dict(
        currency_symbols=symbols,
        currency_codes=codes,
        currency_words=_labels(data, "currencies", "words"),
        scale_words=_numbers(data, "scales", "words"),
        scale_abbreviations=_numbers(data, "scales", "abbreviations"),
        number_words=_numbers(data, "numbers", "words"),
        multipliers=_numbers(data, "numbers", "multipliers"),
        standalone_multipliers=_words(data, "numbers", "standalone_multipliers"),
        articles=_words(data, "numbers", "articles"),
        half_words=_words(data, "numbers", "half"),
        couple_words=_numbers(data, "numbers", "couple"),
        conjunctions=_words(data, "numbers", "conjunctions"),
        ordinals={k: int(v) for k, v in _numbers(data, "ordinals", "words").items()},
        ordinal_suffixes=_words(data, "ordinals", "suffixes"),
        sequence_nouns=_words(data, "ordinals", "sequence_nouns"),
        fractions={k: int(v) for k, v in _numbers(data, "fractions", "denominators").items()},
        ambiguous_fraction_plurals=_words(data, "fractions", "ambiguous_plurals"),
        vague_factor=Decimal(str(_section(data, "vague").get("factor", 2))),
        vague_plurals=_numbers(data, "vague", "plurals"),
        vague_need_of=_words(data, "vague", "need_of"),
        vague_counts=_numbers(data, "vague", "counts"),
        prefix_qualifiers=_kinds(data, "qualifiers", "prefix"),
        suffix_qualifiers=_kinds(data, "qualifiers", "suffix"),
        percent_units=_labels(data, "percent"),
        rank_markers={m: "rank" for m in _words(data, "ranks", "markers")},
        rank_top_words=_words(data, "ranks", "top"),
        range_markers=_words(data, "ranges", "markers"),
        range_connectors=_words(data, "ranges", "connectors"),
        between_words=_words(data, "ranges", "between"),
        range_and_words=_words(data, "ranges", "and"),
        list_words=_words(data, "ranges", "list"),
        change_words=_words(data, "ranges", "change_words") | _words(data, "decrease_words"),
        change_window=int(_section(data, "ranges").get("change_window", 4)),
        comparison_joiners=_words(data, "units", "comparison_joiners"),
        unit_stopwords=_words(data, "units", "stopwords"),
        figure_nouns=_words(data, "units", "figure_nouns"),
        unit_aliases=_labels(data, "units", "aliases"),
        irregular_plurals=_labels(data, "units", "irregular_plurals"),
        invariant_plurals=_words(data, "units", "invariant"),
        invariant_suffixes=tuple(sorted(_words(data, "units", "invariant_suffixes"))),
        decrease_words=_words(data, "decrease_words"),
    )
    phrases = [*tables["currency_words"], *tables["percent_units"], *tables["rank_markers"]]
    return Units(
        **tables,
        glue_suffixes=_glue_suffixes(tables),
        phrase_tokens=max((len(_SIMPLE_TOKEN_RE.findall(p)) for p in phrases), default=1),
        token_re=re.compile(_token_pattern([*symbols, *codes])),
        prefix_qualifier_re=re.compile(
            r"(?<![^\W_])(?P<q>" + _alternation(tables["prefix_qualifiers"]) + r")\s*$", re.IGNORECASE
        ),
        suffix_qualifier_re=re.compile(
            r"\s*(?P<q>" + _alternation(tables["suffix_qualifiers"]) + ")", re.IGNORECASE
        ),
    )


def _glue_suffixes(tables: Mapping[str, Any]) -> frozenset[str]:
    """Words that may touch digits on the right ("172M", "1st", "5pct", "10x"); anything
    else glued to a number ("5G", "7nm", "1990s") marks a name or code, not a quantity."""
    names = ("scale_abbreviations", "scale_words", "multipliers", "ordinal_suffixes",
             "percent_units", "currency_words", "unit_aliases")
    return frozenset(word for name in names for word in tables[name] if " " not in word)


_SIMPLE_TOKEN_RE = re.compile(r"[^\W\d_]+|[0-9]+|\S")


def _alternation(phrases: Iterable[str]) -> str:
    alts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(part) for part in phrase.split())
        if phrase[-1].isalnum():
            pattern += r"(?![^\W_])"
        alts.append(pattern)
    return "|".join(alts) or r"(?!)"


def _token_pattern(currencies: Iterable[str]) -> str:
    alts = []
    for symbol in sorted(set(currencies), key=len, reverse=True):
        pattern = re.escape(symbol)
        if symbol[0].isalpha():
            pattern = r"(?<![^\W\d_])" + pattern
        if symbol[-1].isalpha():
            pattern += r"(?![^\W\d_])"
        alts.append(pattern)
    cur = "|".join(alts) or r"(?!)"
    num = (
        r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])"  # 1,234,567.8
        r"|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}(?:\.[0-9]+)?(?![0-9])"  # Indian 1,00,000
        r"|[0-9]+(?:\.[0-9]+)?"
        r"|(?<![^\W_])\.[0-9]+"  # .5, but not the "1" of "No.1"
    )
    return rf"(?P<cur>{cur})|(?P<num>{num})|(?P<word>[^\W\d_]+)|(?P<sym>\S)"


# ---------------------------------------------------------------- tokens

class _Tok(NamedTuple):
    kind: str  # cur | num | word | sym
    text: str
    low: str
    start: int
    end: int


class _Ctx(NamedTuple):
    text: str
    toks: list[_Tok]
    units: Units
    # Offset in the caller's text of each position of `text`, when reading changed it
    # ("U.S." -> "US"); None when the two are the same.
    origin: tuple[int, ...] | None = None

    def offset(self, position: int) -> int:
        return self.origin[position] if self.origin is not None else position


HYPHENS = frozenset("-‐‑–—")
MINUS_SIGNS = frozenset("-−‐")
JOINERS = frozenset("./:")
_ZERO, _ONE, _HALF = Decimal(0), Decimal(1), Decimal("0.5")
_MAX_DIGITS = 40  # longer digit runs are identifiers, and would overflow the scaling
_QUALIFIER_WINDOW = 48  # longest prefix qualifier plus slack
_MAX_NOUN_WORDS = 5
_DOTTED_RE = re.compile(r"(?<![^\W\d_])(?:[A-Z]\.){2,}")


def _context(text: str, units: Units) -> _Ctx:
    origin = None
    if "." in text and _DOTTED_RE.search(text):
        # "U.S. dollars", "U.S.$5" read like "US dollars", "US$5".
        text, origin = _undot(text)
    toks = [_Tok(m.lastgroup or "sym", m.group(), m.group().lower(), m.start(), m.end())
            for m in units.token_re.finditer(text)]
    return _Ctx(text, toks, units, origin)


def _undot(text: str) -> tuple[str, tuple[int, ...]]:
    """Drop the dots of "U.S."-style abbreviations, remembering where each kept char was."""
    dropped = {m.start() + k for m in _DOTTED_RE.finditer(text) for k in range(1, len(m.group()), 2)}
    kept = [i for i in range(len(text)) if i not in dropped]
    return "".join(text[i] for i in kept), (*kept, len(text))


def _glued(toks: list[_Tok], j: int) -> bool:
    return 0 < j < len(toks) and toks[j - 1].end == toks[j].start


def _low(toks: list[_Tok], j: int) -> str | None:
    return toks[j].low if 0 <= j < len(toks) else None


def _hyphen_word(toks: list[_Tok], j: int) -> bool:
    """A hyphen inside a compound: "forty-two", "15-second", "third-biggest"."""
    return (j + 1 < len(toks) and toks[j].text in HYPHENS and _glued(toks, j)
            and _glued(toks, j + 1) and toks[j + 1].kind == "word")


def _phrase_at(toks: list[_Tok], j: int, table: Mapping[str, str], size: int) -> tuple[str, int] | None:
    """Longest phrase of `table` starting at token j; glued tokens join without a space."""
    best, key = None, ""
    for k in range(j, min(len(toks), j + size)):
        key = toks[k].low if k == j else key + ("" if _glued(toks, k) else " ") + toks[k].low
        if key in table:
            best = (table[key], k + 1)
    return best


def _is_code(toks: list[_Tok], i: int, units: Units, *, check_left: bool = True) -> bool:
    """Digits that belong to a name, date or version: "Q3", "COVID-19", "5G", "24/7", "1.2.3"."""
    return (check_left and _code_on_left(toks, i)) or _code_on_right(toks, i, units)


def _code_on_left(toks: list[_Tok], i: int) -> bool:
    if not _glued(toks, i):
        return False
    prev = toks[i - 1]
    if prev.kind == "word":
        return True
    joined = prev.text in HYPHENS or prev.text in JOINERS
    return joined and _glued(toks, i - 1) and toks[i - 2].kind in ("word", "num")


def _code_on_right(toks: list[_Tok], i: int, units: Units) -> bool:
    if not _glued(toks, i + 1):
        return False
    nxt = toks[i + 1]
    if nxt.kind == "word":
        return nxt.low not in units.glue_suffixes
    if nxt.text in JOINERS:
        return _glued(toks, i + 2) and toks[i + 2].kind == "num"
    dated = nxt.text in HYPHENS and all(_glued(toks, k) for k in range(i + 2, i + 5))
    return dated and i + 4 < len(toks) and toks[i + 2].kind == "num" and toks[i + 4].kind == "num"


# ---------------------------------------------------------------- numbers

_GOOD_STATES = frozenset({"digits", "unit", "tens", "hundred", "scale", "half", "couple"})
_COUNTED = ("unit", "tens", "hundred", "article", "half", "half_a", "digits", "couple")


@dataclass
class _Acc:
    """Running value of a spelled-out number; `last` is the kind of the previous word."""

    units: Units
    cur: Decimal = _ZERO
    total: Decimal = _ZERO
    last: str | None = None
    last_scale: Decimal | None = None
    base: Decimal | None = None

    @property
    def value(self) -> Decimal:
        return self.total + self.cur

    @property
    def factor(self) -> Decimal | None:
        # What the leading count was multiplied by: "60 million" -> 1e6 (shared in ranges).
        return self.value / self.base if self.base else None

    def feed(self, toks: list[_Tok], j: int) -> bool:
        u, w = self.units, toks[j].low
        if w in u.number_words:
            return self._count(u.number_words[w])
        if w in u.multipliers:
            return self._multiply(w, u.multipliers[w])
        if w in u.scale_words:
            return self._scale(u.scale_words[w])
        if w in u.scale_abbreviations and self.last == "digits" and (len(w) > 1 or _glued(toks, j)):
            return self._scale(u.scale_abbreviations[w])
        if w in u.articles:
            return self._article(_low(toks, j + 1))
        if w in u.half_words:
            return self._half()
        if w in u.couple_words:
            return self._couple(u.couple_words[w])
        if w in u.conjunctions:
            return self._and(_low(toks, j + 1), _low(toks, j + 2))
        return False

    def _count(self, v: Decimal) -> bool:
        if self.last in (None, "hundred", "scale", "and"):
            self.cur += v
        elif self.last == "tens" and 0 < v < 10:  # forty-two
            self.cur += v
        else:
            return False
        self.last = "tens" if v >= 20 else "unit"
        return True

    def _multiply(self, word: str, m: Decimal) -> bool:
        standalone = self.last is None and word in self.units.standalone_multipliers
        if not standalone and self.last not in ("unit", "tens", "article", "digits", "couple"):
            return False
        count = self.cur if self.last else _ONE
        self._note_base(count)
        self.cur, self.last = count * m, "hundred"
        return True

    def _scale(self, s: Decimal) -> bool:
        if self.last == "scale":
            # "five thousand million": only a larger scale may follow directly.
            if self.last_scale is None or s <= self.last_scale:
                return False
            self.total *= s
        elif self.last in _COUNTED:
            self._note_base(self.cur)
            self.total, self.cur = self.total + self.cur * s, _ZERO
        else:
            return False
        self.last, self.last_scale = "scale", s
        return True

    def _note_base(self, count: Decimal) -> None:
        if self.base is None and self.total == 0:
            self.base = count

    def _article(self, nxt: str | None) -> bool:
        u = self.units
        if self.last is None and (nxt in u.multipliers or nxt in u.scale_words
                                  or nxt in u.couple_words or nxt in u.half_words):
            self.cur, self.last = _ONE, "article"
        elif self.last == "half" and nxt in u.scale_words:  # half a million
            self.last = "half_a"
        elif self.last == "and_half" and nxt in u.half_words:  # two and a half
            pass
        else:
            return False
        return True

    def _half(self) -> bool:
        if self.last in (None, "article"):
            self.cur, self.last = _HALF, "half"
        elif self.last == "and_half":
            self.cur, self.last = self.cur + _HALF, "unit"
        else:
            return False
        return True

    def _couple(self, v: Decimal) -> bool:
        if self.last not in (None, "article"):
            return False
        self.cur, self.last = v, "couple"
        return True

    def _and(self, nxt: str | None, nxt2: str | None) -> bool:
        u = self.units
        if self.last in ("hundred", "scale") and nxt in u.number_words:  # one hundred and five
            self.last = "and"
        elif self.last in ("unit", "tens", "digits") and (
                nxt in u.half_words or (nxt in u.articles and nxt2 in u.half_words)):
            self.last = "and_half"
        else:
            return False
        return True


class _Num(NamedTuple):
    value: Decimal
    end: int  # index of the first token after the number
    factor: Decimal | None  # scale written with it ("million"), shared across a range


def _read_words(ctx: _Ctx, i: int, acc: _Acc, best: _Num | None = None) -> _Num | None:
    """Feed words from token i; keep the longest prefix that forms a complete number."""
    toks, j = ctx.toks, i
    while j < len(toks):
        if acc.last is not None and _hyphen_word(toks, j):
            j += 1
            continue
        if toks[j].kind != "word" or not acc.feed(toks, j):
            break
        j += 1
        if acc.last in _GOOD_STATES:
            best = _Num(acc.value, j, acc.factor)
    return best


def _digits(text: str) -> Decimal | None:
    digits = text.replace(",", "")
    return Decimal(digits) if len(digits) <= _MAX_DIGITS else None


def _read_core(ctx: _Ctx, i: int, *, check_left: bool = True) -> _Num | None:
    """One number: digits (with separators and scale) or number words."""
    toks, u = ctx.toks, ctx.units
    if i >= len(toks):
        return None
    tok = toks[i]
    if tok.kind == "num":
        value = None if _is_code(toks, i, u, check_left=check_left) else _digits(tok.text)
        if value is None:
            return None
        return _read_words(ctx, i + 1, _Acc(u, cur=value, last="digits"), _Num(value, i + 1, None))
    if tok.kind == "word":
        return _read_words(ctx, i, _Acc(u))
    return None


def _read_sign(ctx: _Ctx, i: int) -> tuple[int, int]:
    toks = ctx.toks
    if i >= len(toks):
        return i, 1
    tok = toks[i]
    if tok.low == "minus":
        return i + 1, -1
    signed = tok.text in MINUS_SIGNS or tok.text == "+"
    hyphen = _glued(toks, i) and toks[i - 1].kind in ("word", "num")  # "COVID-19", "40-60"
    if signed and _glued(toks, i + 1) and not hyphen:
        return i + 1, (1 if tok.text == "+" else -1)
    return i, 1


# ---------------------------------------------------------------- amounts and ranges

class _Amount(NamedTuple):
    value: Decimal
    end: int
    factor: Decimal | None
    unit: str | None  # currency or percent written with the number


class _Hit(NamedTuple):
    start: int
    end: int
    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    qualifier: str | None = None  # implied by the wording: "top 3", "dozens", "100+"
    approximate_scale: bool = False
    noun: int | None = None  # first token of a counted noun read after the number


def _read_amount(ctx: _Ctx, i: int, *, check_left: bool = True) -> _Amount | None:
    """[sign] [currency] [sign] number [scale] [% | currency]."""
    toks, u = ctx.toks, ctx.units
    j, sign = _read_sign(ctx, i)
    currency = None
    if j < len(toks) and toks[j].kind == "cur":
        currency = u.currency(toks[j].text)
        j, sign2 = _read_sign(ctx, j + 1)
        sign *= sign2
    num = _read_core(ctx, j, check_left=check_left and currency is None)
    if num is None:
        return None
    unit, end = _unit_after(ctx, num.end)
    if currency and unit and unit != currency:
        unit, end = None, num.end
    return _Amount(sign * num.value, end, num.factor, currency or unit)


def _unit_after(ctx: _Ctx, j: int) -> tuple[str | None, int]:
    """A percent or currency written right after the number ("5%", "5-percent", "5 yuan")."""
    toks, u = ctx.toks, ctx.units
    k = j + 1 if _hyphen_word(toks, j) else j
    found = _phrase_at(toks, k, u.percent_units, u.phrase_tokens)
    if found:
        return found
    if k < len(toks) and toks[k].kind == "cur":
        return u.currency(toks[k].text), k + 1
    found = _phrase_at(toks, k, u.currency_words, u.phrase_tokens)
    return found if found else (None, j)


def _range_end(ctx: _Ctx, j: int, first: _Amount, between: bool) -> _Amount | None:
    toks, u = ctx.toks, ctx.units
    if j >= len(toks):
        return None
    word = toks[j].low
    if word not in u.range_connectors and not (between and word in u.range_and_words):
        return None
    second = _read_amount(ctx, j + 1, check_left=False)
    if second is None or (first.unit and second.unit and first.unit != second.unit):
        return None  # "5% to $10bn" is two facts, not a range
    if first.unit in ctx.units.percent_units.values() and second.unit is None and second.factor is not None:
        return None  # "fell 3% to 11 million": a change and a level; no share runs to millions
    return second


def _range_bounds(first: _Amount, second: _Amount) -> tuple[Decimal, Decimal]:
    low = first.value
    if first.factor is None and second.factor:
        # "40-60 million", "$3-5 billion": the second scale covers both ends, unless the
        # first is already larger than the second's count ("500 to 1 billion").
        if low <= second.value / second.factor:
            low *= second.factor
    return min(low, second.value), max(low, second.value)


def _try_amount(ctx: _Ctx, i: int) -> _Hit | None:
    first = _read_amount(ctx, i)
    if first is None:
        return None
    qualifier, j = _suffix_qualifier(ctx, first.end, None)
    between = i > 0 and ctx.toks[i - 1].low in ctx.units.between_words
    second = None if qualifier else _range_end(ctx, j, first, between)
    if second is not None and (_is_change(ctx, i) or _change_then_level(ctx, i, first)):
        return _shared(ctx, i, first, second)  # "fell from 17 to 12 million": two values
    if second is None and not qualifier and not between and j == first.end:
        listed = _list_end(ctx, j, first)
        if listed is not None:
            return _shared(ctx, i, first, listed)
    unit = first.unit or (second.unit if second else None)
    if second:
        j = second.end
    noun = None
    if unit is None:
        unit, j, noun = _counted_unit(ctx, j, after_of=False)
    qualifier, j = _suffix_qualifier(ctx, j, qualifier)
    if second:
        low, high = _range_bounds(first, second)
        return _Hit(i, j, None, low, high, unit, qualifier, noun=noun)
    return _Hit(i, j, first.value, unit=unit, qualifier=qualifier, noun=noun)


def _is_change(ctx: _Ctx, i: int) -> bool:
    """Whether "from" before token i follows a verb of change ("sales fell from A to B")."""
    toks, u = ctx.toks, ctx.units
    if i == 0 or toks[i - 1].low not in u.range_markers or toks[i - 1].low in u.between_words:
        return False
    words = [t.low for t in toks[max(0, i - 1 - u.change_window):i - 1] if t.kind == "word"]
    return any(w in u.change_words for w in words)


def _change_then_level(ctx: _Ctx, i: int, first: _Amount) -> bool:
    """"rose by 2 billion yuan to 15 billion yuan": a change written in full, then the new
    level. A bare first number ("rise by 5 to 10 percent") still opens a range."""
    toks, u = ctx.toks, ctx.units
    if i == 0 or toks[i - 1].low != "by" or (first.unit is None and first.factor is None):
        return False
    words = [t.low for t in toks[max(0, i - 1 - u.change_window):i - 1] if t.kind == "word"]
    return any(w in u.change_words for w in words)


def _list_end(ctx: _Ctx, j: int, first: _Amount) -> _Amount | None:
    """The next item of a list of bare numbers ("18 and 14.7 million"), when the last item
    carries the scale or unit the first lacks; None otherwise."""
    toks, u = ctx.toks, ctx.units
    if first.factor is not None or first.unit or j >= len(toks) or toks[j].low not in u.list_words:
        return None
    second = _read_amount(ctx, j + 1, check_left=False)
    if second is None:
        return None
    if second.factor is None and not second.unit and _list_end(ctx, second.end, second) is None:
        return None  # "3 and 4 apps": nothing to share
    return second  # a bare middle item ("2 or 3 or 4 million") is shared onward by _list_tail


def _shared(ctx: _Ctx, i: int, first: _Amount, last: _Amount) -> _Hit:
    """The first of two numbers, read with the scale and unit written only on the last."""
    value = first.value
    factor = last.factor if last.factor is not None else _last_factor(ctx, last)
    if first.factor is None and factor is not None:
        value *= factor
    unit = first.unit or last.unit
    if unit is None:
        unit = _counted_unit(ctx, _list_tail(ctx, last).end, after_of=False)[0]
    return _Hit(i, first.end, value, unit=unit)


def _list_tail(ctx: _Ctx, amount: _Amount) -> _Amount:
    nxt = _list_end(ctx, amount.end, amount) if amount.factor is None and not amount.unit else None
    return _list_tail(ctx, nxt) if nxt is not None else amount


def _last_factor(ctx: _Ctx, amount: _Amount) -> Decimal | None:
    return _list_tail(ctx, amount).factor


def _suffix_qualifier(ctx: _Ctx, j: int, current: str | None) -> tuple[str | None, int]:
    """"100+", "5,000-plus", "40-odd", "... or more" right after token j-1."""
    toks, u = ctx.toks, ctx.units
    if current or j == 0 or j >= len(toks):
        return current, j
    match = u.suffix_qualifier_re.match(ctx.text, toks[j - 1].end)
    if not match or match.start("q") != toks[j].start:
        return current, j
    while j < len(toks) and toks[j].start < match.end():
        j += 1
    return u.suffix_qualifiers[_norm(match.group("q"))], j


# ---------------------------------------------------------------- counted nouns

def _counted_unit(ctx: _Ctx, j: int, *, after_of: bool) -> tuple[str | None, int, int | None]:
    """The unit of a bare count: "15-second" -> seconds, "829 million internet users" ->
    users, "billions of dollars" -> USD. The third item is the token where a free-standing
    counted noun starts (None for units written with the number), so that a caller with a
    parser can replace this guess with a better one."""
    toks, u = ctx.toks, ctx.units
    if j < len(toks) and toks[j].kind == "sym" and toks[j].text in u.unit_aliases:
        return u.unit_aliases[toks[j].text], j + 1, None
    if _hyphen_word(toks, j):
        return (*_hyphen_unit(ctx, j + 1), None)
    if after_of and _low(toks, j) == "of":
        j += 1
    money = _phrase_at(toks, j, u.currency_words, u.phrase_tokens)
    if money:
        return (*money, None)
    unit, end = _head_noun(ctx, j)
    return unit, end, (j if unit else None)


def _hyphen_unit(ctx: _Ctx, j: int) -> tuple[str | None, int]:
    """"15-second ad" -> seconds; "10-year-old" -> years."""
    toks, u = ctx.toks, ctx.units
    word = toks[j]
    if word.low in u.unit_stopwords or word.low in u.number_words:
        return None, j - 1
    end = j + 1
    while _hyphen_word(toks, end):
        end += 2
    return _pluralise(word.text, u), end


def _compound(toks: list[_Tok], j: int) -> tuple[list[_Tok], int]:
    parts = [toks[j]]
    j += 1
    while _hyphen_word(toks, j):
        parts.append(toks[j + 1])
        j += 2
    return parts, j


def _head_noun(ctx: _Ctx, j: int) -> tuple[str | None, int]:
    toks, u = ctx.toks, ctx.units
    start, words = j, []
    while j < len(toks) and toks[j].kind == "word" and len(words) < _MAX_NOUN_WORDS:
        parts, end = _compound(toks, j)
        joined = "-".join(p.low for p in parts)
        if joined in u.unit_stopwords or parts[0].low in u.unit_stopwords or _is_number_word(parts[0].low, u):
            break
        if _low(toks, end) in u.comparison_joiners and _low(toks, end + 1) == joined:
            break  # "year over year" compares, it is not what was counted
        words.append((parts[-1], end))
        j = end
    while words and _looks_like_modifier(words[-1][0].low):
        words.pop()
    if not words:
        return None, start
    head, end = words[-1]
    if len(head.text) == 1 and head.low not in u.unit_aliases:
        return None, start  # a stray initial ("5 M"), not a noun
    if head.low in u.figure_nouns:
        return None, start  # "the 700 million figure" counts nothing
    money = u.currency_words.get(head.low)
    return (money or _pluralise(head.text, u)), end


def _is_number_word(word: str, u: Units) -> bool:
    return word in u.number_words or word in u.scale_words or word in u.multipliers


def _looks_like_modifier(word: str) -> bool:
    # Without a tagger: a trailing adverb ("globally") or participle ("shipped") is not the
    # counted noun; the noun before it is ("5 million units shipped" -> units).
    return len(word) > 4 and (word.endswith("ly") or (word.endswith("ed") and not word.endswith("eed")))


def _pluralise(word: str, u: Units) -> str:
    low = word.lower()
    if low in u.unit_aliases:
        return u.unit_aliases[low]
    if not any(c in "aeiouy" for c in low):  # unit symbols stay as written: nm, kg, GW, TWh
        return word
    if any(c.isupper() for c in word[1:]):  # acronyms and brands keep their case: GPUs, iPhones
        return word if word[-1] in "sS" and not word.isupper() else word + "s"
    if low in u.invariant_plurals or low.endswith(u.invariant_suffixes):
        return low
    if low in u.irregular_plurals:
        return u.irregular_plurals[low]
    if low in u.irregular_plurals.values():
        return low
    return _regular_plural(low)


def _regular_plural(low: str) -> str:
    if low.endswith(("ss", "us")):
        return low + "es"
    if low.endswith("is") and len(low) > 3:  # analysis -> analyses
        return low[:-2] + "es"
    if low.endswith("s"):
        return low
    if low.endswith(("x", "z", "ch", "sh")):
        return low + "es"
    if len(low) > 1 and low.endswith("y") and low[-2] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


# ---------------------------------------------------------------- ranks, vague, fractions

def _try_rank(ctx: _Ctx, i: int) -> _Hit | None:
    return _rank_marker(ctx, i) or _rank_top(ctx, i) or _rank_ordinal(ctx, i)


def _rank_marker(ctx: _Ctx, i: int) -> _Hit | None:
    """"No. 1", "No.1", "number one", "#1"."""
    toks, u = ctx.toks, ctx.units
    found = _phrase_at(toks, i, u.rank_markers, u.phrase_tokens)
    if not found:
        return None
    j = found[1]
    bare_no = toks[j - 1].low == "no"
    if bare_no and (toks[i].text == "no" or _low(toks, j) is None or toks[j].kind != "num"):
        return None  # "no one", "no 5G": the determiner
    num = _read_core(ctx, j, check_left=False)
    return _Hit(i, num.end, num.value, unit="rank") if num else None


def _rank_top(ctx: _Ctx, i: int) -> _Hit | None:
    """"top three" -> 3 rank max (rank 3 or better); "top 10%" stays a percentage."""
    toks = ctx.toks
    if toks[i].low not in ctx.units.rank_top_words:
        return None
    j = i + 2 if _glued(toks, i + 1) and toks[i + 1].text in HYPHENS else i + 1
    num = _read_core(ctx, j, check_left=False)
    if num is None:
        return None
    unit, end = _unit_after(ctx, num.end)
    if unit:
        return _Hit(i, end, num.value, unit=unit)
    return _Hit(i, num.end, num.value, unit="rank", qualifier="max")


def _rank_ordinal(ctx: _Ctx, i: int) -> _Hit | None:
    """"second largest", "third-biggest", "twenty-first", "1st"."""
    found = _ordinal_at(ctx, i)
    if found is None:
        return None
    value, end = found
    toks, u = ctx.toks, ctx.units
    nxt = end + 1 if _hyphen_word(toks, end) else end
    if nxt < len(toks) and (toks[nxt].kind == "num" or toks[nxt].low in u.number_words):
        return None  # "the first 100 days": the ordinal picks out a count
    if nxt < len(toks) and (toks[nxt].low in u.sequence_nouns or toks[nxt].low.rstrip("s") in u.sequence_nouns):
        return None  # "third-quarter revenue", "a second round": a period or a step, not a rank
    return _Hit(i, end, Decimal(value), unit="rank")


def _ordinal_at(ctx: _Ctx, i: int) -> tuple[Decimal | int, int] | None:
    toks, u = ctx.toks, ctx.units
    tok = toks[i]
    if tok.kind == "num":
        suffix = _glued(toks, i + 1) and toks[i + 1].low in u.ordinal_suffixes
        value = _digits(tok.text) if suffix and not _code_on_left(toks, i) else None
        return (value, i + 2) if value is not None else None
    if tok.low in u.ordinals:
        return u.ordinals[tok.low], i + 1
    tens = u.number_words.get(tok.low)
    if tens is None or tens < 20:
        return None
    j = i + 2 if _hyphen_word(toks, i + 1) else i + 1
    unit = u.ordinals.get(_low(toks, j) or "")
    return (tens + unit, j + 1) if unit and unit < 10 else None


def _try_vague(ctx: _Ctx, i: int) -> _Hit | None:
    return _vague_plural(ctx, i) or _vague_count(ctx, i)


def _vague_plural(ctx: _Ctx, i: int) -> _Hit | None:
    """"dozens" -> 24, "tens of millions" -> 2e7, "billions of dollars" -> 2e9 USD."""
    toks, u = ctx.toks, ctx.units
    currency = u.currency(toks[i].text) if toks[i].kind == "cur" else None
    k = i + 1 if currency else i  # "$billions"
    word = _low(toks, k) or ""
    if word not in u.vague_plurals or (word in u.vague_need_of and _low(toks, k + 1) != "of"):
        return None
    base, last, j = u.vague_plurals[word], u.vague_plurals[word], k + 1
    while _low(toks, j) == "of" and u.vague_plurals.get(_low(toks, j + 1) or "", _ZERO) > last:
        last = u.vague_plurals[toks[j + 1].low]
        base, j = base * last, j + 2
    unit, end, noun = (currency, j, None) if currency else _counted_unit(ctx, j, after_of=True)
    return _Hit(i, end, u.vague_factor * base, unit=unit, qualifier="approx", approximate_scale=True, noun=noun)


def _vague_count(ctx: _Ctx, i: int) -> _Hit | None:
    """"several hundred" -> 300, "a few thousand" -> 3000."""
    toks, u = ctx.toks, ctx.units
    k = i + 1 if toks[i].low in u.articles else i
    count = u.vague_counts.get(_low(toks, k) or "")
    if count is None:
        return None
    acc = _Acc(u, cur=count, last="unit")
    num = _read_words(ctx, k + 1, acc)
    if num is None:
        return None
    unit, end, noun = _counted_unit(ctx, num.end, after_of=True)
    return _Hit(i, end, num.value, unit=unit, qualifier="approx", approximate_scale=True, noun=noun)


def _try_fraction(ctx: _Ctx, i: int) -> _Hit | None:
    """"two-thirds" -> 0.667, "a third of" -> 0.333; unit None (a share of something)."""
    toks, u = ctx.toks, ctx.units
    word = toks[i].low
    numerator = _ONE if word in u.articles else u.number_words.get(word)
    if numerator is None or not 0 < numerator <= 10:
        return None
    hyphen = _hyphen_word(toks, i + 1)
    j = i + 2 if hyphen else i + 1
    denominator = u.fractions.get(_low(toks, j) or "")
    if denominator is None:
        return None
    plural = toks[j].low.endswith("s") and toks[j].low not in u.ambiguous_fraction_plurals
    if not (hyphen or plural or _low(toks, j + 1) == "of"):
        return None
    return _Hit(i, j + 1, numerator / Decimal(denominator))


# ---------------------------------------------------------------- public API

def _try_at(ctx: _Ctx, i: int) -> _Hit | None:
    return _try_rank(ctx, i) or _try_vague(ctx, i) or _try_fraction(ctx, i) or _try_amount(ctx, i)


def _prefix_qualifier(ctx: _Ctx, start: int) -> tuple[str | None, int]:
    """"about", "more than", "up to" ... just before the number or before "between";
    returns the kind and where the words begin (the number's start if there are none)."""
    toks, u = ctx.toks, ctx.units
    own_start = toks[start].start
    if start > 0 and toks[start - 1].low in u.range_markers:
        start -= 1
    end = toks[start].start
    match = u.prefix_qualifier_re.search(ctx.text, max(0, end - _QUALIFIER_WINDOW), end)
    if not match:
        return None, own_start
    return u.prefix_qualifiers[_norm(match.group("q"))], match.start("q")


def _finite(value: Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _quantity(ctx: _Ctx, hit: _Hit) -> Quantity | None:
    qualifier = _prefix_qualifier(ctx, hit.start)[0] or hit.qualifier
    if hit.value is None:
        low, high = _finite(hit.low), _finite(hit.high)
        if low is None or high is None:
            return None
        return Quantity(None, low, high, hit.unit, qualifier)
    value = _finite(hit.value)
    if value is None:
        return None
    return Quantity(value, None, None, hit.unit, qualifier, hit.approximate_scale)


class Found(NamedTuple):
    """A quantity and where its words are in the text that was searched."""

    quantity: Quantity
    start: int  # a prefix qualifier ("more than") and a range's "between"/"from" included
    end: int  # after the last word read: unit, counted noun, suffix qualifier
    noun_start: int | None  # where a counted noun read after the number begins, if any


def parse_quantity(text: str, *, units: Units | None = None) -> Quantity | None:
    """Normalise the text of a span to a Quantity, or None if it holds no number."""
    found = find_quantity(text, units=units)
    return found.quantity if found else None


def find_quantity(text: str, *, at: int = 0, until: int | None = None, units: Units | None = None) -> Found | None:
    """The first quantity whose number starts in text[at:until], with its offsets in text.

    The text before `at` is context only: it is where a prefix qualifier ("more than")
    or the name a number is glued to ("COVID-19") is seen.
    """
    if not text:
        return None
    ctx = _context(text, units or load_units())
    until = len(text) if until is None else until
    for i, tok in enumerate(ctx.toks):
        position = ctx.offset(tok.start)
        if position < at:
            continue
        if position >= until:
            return None
        hit = _try_at(ctx, i)
        if hit is not None:
            return _found(ctx, hit)
    return None


def _found(ctx: _Ctx, hit: _Hit) -> Found | None:
    quantity = _quantity(ctx, hit)
    if quantity is None:
        return None
    toks = ctx.toks
    qualifier, start = _prefix_qualifier(ctx, hit.start)
    if qualifier is None and quantity.value is None and hit.start > 0 and toks[hit.start - 1].low in ctx.units.range_markers:
        start = toks[hit.start - 1].start
    noun = ctx.offset(toks[hit.noun].start) if hit.noun is not None and hit.noun < hit.end else None
    return Found(quantity, ctx.offset(start), ctx.offset(toks[hit.end - 1].end), noun)


def pluralise(word: str, *, units: Units | None = None) -> str:
    """The plural form a counted noun takes as a unit: "user" -> "users", "GPU" -> "GPUs"."""
    return _pluralise(word, units or load_units())


def parse_number(text: str, *, units: Units | None = None) -> float | None:
    """Parse one number: digits with separators (1,234.5), digit+scale ("21.1 billion",
    "172M", "3bn", "2.5k"), words ("twenty", "a dozen", "forty-two", "one hundred and
    five", "half a million"); returns None if none. Ranges give their first end."""
    if not text:
        return None
    ctx = _context(text, units or load_units())
    for i in range(len(ctx.toks)):
        j, sign = _read_sign(ctx, i)
        num = _read_core(ctx, j)
        if num is not None:
            return _finite(sign * num.value)
    return None
