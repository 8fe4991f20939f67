"""Metrics: every quantitative fact as one normalised row, with what it is about.

How a fact is found, in order:
1. candidates: the statistical entities (MONEY, PERCENT, CARDINAL, QUANTITY; DATE and TIME
   only for durations) plus token patterns for what NER misses or mislabels: ranks ("No. 1",
   "number two", "third-largest"), "tripled", "tens of", "30-second", bare digits;
2. reading: quantities.find_quantity over the candidate with its sentence around it gives
   value, range, qualifier, currency or percent and the exact extent ("more than 70
   markets"); the dependency parse gives the counted noun ("7 new robotics and drone startups");
3. filters: years, dates, times, numbers inside names ("Honor 90", "Survey 2021"), codes
   ("5G"), labels ("version 2"), list numbering, phone numbers, the pronoun "one",
   references back ("the two startups") and time frames ("in the last six years");
4. description: the sign of a decrease, the subject (company, product, country or market,
   from the parse and the entities component's spans), the measure, the period, and one
   figure stated in two currencies linked by group_id and checked against ECB rates.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Mapping

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from .. import knowledge
from .common import meta, sentence_index
from .currency import Amount, check_equivalent
from .quantities import Quantity, Units, find_quantity, load_units, pluralise

METRICS = "ct_metrics"
COMPANIES, PRODUCTS = "ct_companies", "ct_products"
NUMERIC_LABELS = {"MONEY", "PERCENT", "CARDINAL", "QUANTITY"}
DURATION_LABELS = {"DATE", "TIME"}
PERCENT_UNITS = {"percent", "percentage points", "basis points"}
NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
PLURAL_TAGS = {"NNS", "NNPS"}
# Tags that may stand between a number and its counted noun ("240 million monthly active users",
# "7 new robotics and drone startups", "25 electric delivery vans").
PHRASE_TAGS = NOUN_TAGS | {"JJ", "JJR", "VBG", "VBN", "HYPH", "CC", "RB", "AFX"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
CONTEXT_LEFT = 8  # tokens: the longest prefix qualifier ("in the region of") plus "between"
CONTEXT_RIGHT = 14  # tokens: a range's second end plus a counted noun phrase
MAX_CLIMB = 12  # heads walked up from a number to find its subject
ANTECEDENT_SENTENCES = 3  # how far back a pronoun's antecedent is looked for
CACHE = ("chinatech_metrics", "cache")  # doc.user_data key, only while the component runs
PRIORITY = {"RANK": 3, "MULTIPLIER": 3, "ent": 2, "VAGUE": 2, "DURATION": 2, "NUMBER": 1}

if not Doc.has_extension(METRICS):
    Doc.set_extension(METRICS, default=None)


# ---------------------------------------------------------------- knowledge (data/metrics.yaml)

@dataclass(frozen=True)
class Cues:
    time_units: frozenset[str]
    frame_before: frozenset[str]
    frame_after: frozenset[str]
    multiplier_verbs: Mapping[str, float]
    decrease: frozenset[str]
    increase: frozenset[str]
    level_prepositions: frozenset[str]
    definite_determiners: frozenset[str]
    label_words: frozenset[str]
    reporting_verbs: frozenset[str]
    pronouns: frozenset[str]
    market_nouns: frozenset[str]
    measure_nouns: frozenset[str]
    anaphoric_nouns: frozenset[str]
    level_verbs: frozenset[str]
    of_nouns: Mapping[str, str]
    verb_measures: Mapping[str, str]
    funding_nouns: frozenset[str]
    equivalence_words: frozenset[str]
    comparison_words: frozenset[str]
    relative_periods: Mapping[str, tuple[str, int]]
    default_count_unit: str
    rank_nouns: frozenset[str] = frozenset()
    cut_verbs: frozenset[str] = frozenset()
    rank_idioms: tuple[tuple[str, ...], ...] = ()


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cue words of data/metrics.yaml."""
    data = knowledge.read_data("metrics.yaml")
    frame = data.get("frame_words") or {}
    return Cues(
        time_units=knowledge.word_set(data, "time_units"),
        frame_before=knowledge.word_set(frame, "before"),
        frame_after=knowledge.word_set(frame, "after"),
        multiplier_verbs={str(k): float(v) for k, v in (data.get("multiplier_verbs") or {}).items()},
        decrease=knowledge.word_set(data, "decrease"),
        increase=knowledge.word_set(data, "increase"),
        level_prepositions=knowledge.word_set(data, "level_prepositions"),
        definite_determiners=knowledge.word_set(data, "definite_determiners"),
        label_words=knowledge.word_set(data, "label_words"),
        reporting_verbs=knowledge.word_set(data, "reporting_verbs"),
        pronouns=knowledge.word_set(data, "pronouns"),
        market_nouns=knowledge.word_set(data, "market_nouns"),
        measure_nouns=knowledge.word_set(data, "measure_nouns"),
        anaphoric_nouns=knowledge.word_set(data, "anaphoric_nouns"),
        level_verbs=knowledge.word_set(data, "level_verbs"),
        of_nouns={str(k).lower(): str(v) for k, v in (data.get("of_nouns") or {}).items()},
        verb_measures={str(k).lower(): str(v) for k, v in (data.get("verb_measures") or {}).items()},
        funding_nouns=knowledge.word_set(data, "funding_nouns"),
        equivalence_words=knowledge.word_set(data, "equivalence_words"),
        comparison_words=knowledge.word_set(data, "comparison_words"),
        relative_periods={str(k).lower(): (str(v[0]), int(v[1])) for k, v in (data.get("relative_periods") or {}).items()},
        default_count_unit=str(data.get("default_count_unit") or "items"),
        rank_nouns=knowledge.word_set(data, "rank_nouns"),
        cut_verbs=knowledge.word_set(data, "cut_verbs"),
        rank_idioms=tuple(tuple(str(i).lower().split()) for i in data.get("rank_idioms") or ()),
    )


# ---------------------------------------------------------------- the component

@dataclass(frozen=True)
class Metric:
    """One fact before it becomes a row: where it is, what it says, how it was found."""

    start_char: int
    end_char: int
    quantity: Quantity
    unit: str
    kind: str  # money | percent | rank | multiple | duration | count
    number: Token  # the token that carries the number in the parse
    noun: Token | None  # the counted noun, when the parse has one
    source: str  # "ent" or the pattern's name
    number_end: int = 0  # token after the number's own words (its unit and noun follow)

    @property
    def priority(self) -> tuple[int, int]:
        return PRIORITY.get(self.source, 1), self.end_char - self.start_char


@Language.factory(
    "chinatech_metrics",
    assigns=["doc._.ct_metrics"],
    requires=["doc.ents", "doc.sents", "token.tag", "token.pos", "token.dep", "token.lemma"],
    default_config={"check_currencies": True},
)
def make_metrics(nlp: Language, name: str, check_currencies: bool) -> "Metrics":
    return Metrics(nlp, check_currencies=check_currencies)


class Metrics:
    def __init__(self, nlp: Language, *, check_currencies: bool = True):
        self.units = load_units()
        self.cues = load_cues()
        self.matcher = build_matcher(nlp, self.units, self.cues)
        self.check_currencies = check_currencies

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for start, end, source in candidates(doc, self.matcher, self.units):
            metric = read_metric(doc, start, end, source, self.units, self.cues)
            if metric is not None and not is_noise(doc, metric, source, self.cues):
                found.append(metric)
        metrics = sorted(keep_best(found), key=lambda m: m.start_char)
        doc._.ct_metrics = describe(doc, metrics, self.cues, check=self.check_currencies)
        doc.user_data.pop(CACHE, None)
        return doc


def _cache(doc: Doc) -> dict:
    # Token.sent, Span.ents and Doc.ents rebuild their answer from every token of the doc on
    # each call (they were most of this component's time): they are computed once per doc
    # while the component runs. Doc.text is as costly, so text is taken from short spans.
    return doc.user_data.setdefault(CACHE, {})


def entities(doc: Doc) -> tuple[Span, ...]:
    cache = _cache(doc)
    if "ents" not in cache:
        cache["ents"] = tuple(doc.ents)
    return cache["ents"]


def char_text(doc: Doc, start: int, end: int) -> str:
    """doc.text[start:end], read from the tokens around those offsets only."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return ""
    return span.text[start - span.start_char:end - span.start_char]


def sentence(item: Token | Span) -> Span:
    """The sentence of a token or span."""
    doc = item.doc
    cache = _cache(doc)
    if "starts" not in cache:
        cache["starts"] = [s.start for s in doc.sents] + [len(doc)]
    starts = cache["starts"]
    i = item.i if isinstance(item, Token) else item.start
    k = bisect.bisect_right(starts, i) - 1
    return doc[starts[k]:starts[k + 1]]


def build_matcher(nlp: Language, units: Units, cues: Cues) -> Matcher:
    """Token patterns for quantities the statistical NER misses or labels as something else."""
    singular_times = sorted(u for u in cues.time_units if not u.endswith("s"))
    number = {"LIKE_NUM": True}
    matcher = Matcher(nlp.vocab)
    # Few, broad patterns (the matcher's cost grows with each); find_quantity then decides
    # whether the words really are a rank ("3 largest" is not, "No one" is not).
    matcher.add("RANK", [
        [{"LOWER": {"IN": ["no", "no.", "#", "number", "top"]}}, {"ORTH": {"IN": [".", "-"]}, "OP": "?"}, number],
        [number, {"ORTH": "-", "OP": "?"}, {"TAG": {"IN": ["JJS", "RBS"]}}],
        [{"LEMMA": {"IN": ["rank", "place"]}}, number],
        [{"LOWER": {"IN": sorted(units.ordinals)}}, {"LOWER": {"IN": sorted(cues.rank_nouns)}}],
        [{"TEXT": {"REGEX": r"^[0-9]+(?:st|nd|rd|th)$"}}, {"LOWER": {"IN": sorted(cues.rank_nouns)}}],
    ])
    matcher.add("MULTIPLIER", [[{"LEMMA": {"IN": sorted(cues.multiplier_verbs)}, "POS": "VERB"}]])
    matcher.add("VAGUE", [
        [{"LOWER": {"IN": sorted(units.vague_plurals)}}, {"LOWER": "of"}],
        [{"LOWER": {"IN": sorted(units.articles)}}, {"LOWER": {"IN": sorted(units.standalone_multipliers)}}],
    ])
    matcher.add("DURATION", [[number, {"ORTH": "-"}, {"LOWER": {"IN": singular_times}}]])
    matcher.add("NUMBER", [[{"LIKE_NUM": True, "IS_ALPHA": False}], [{"TEXT": {"REGEX": _glued_code_re(units)}}],
                           [{"TEXT": {"REGEX": _glued_scale_re(units)}}]])
    return matcher


@lru_cache(maxsize=4)
def _glued_scale_re(units: Units) -> str:
    """A scale abbreviation written onto its number, one token to the tokenizer: "648mn", "3bn"."""
    words = sorted((w for w in units.scale_abbreviations if len(w) > 1), key=len, reverse=True)
    return rf"(?i)^[0-9][0-9.,]*(?:{'|'.join(map(re.escape, words))})$" if words else r"(?!)"


@lru_cache(maxsize=4)
def _glued_code_re(units: Units) -> str:
    """A currency code written onto its number, one token to the tokenizer: "HKD139.90", "RMB5bn",
    and symbols with letters in them: "HK$3.99", "S$12"."""
    lettered = [c for c in units.currency_symbols if any(ch.isalpha() for ch in c)]
    codes = sorted([*(c for c in units.currency_codes if c.isalpha()), *lettered], key=len, reverse=True)
    return rf"^(?:{'|'.join(map(re.escape, codes))})[0-9][0-9.,]*[A-Za-z]{{0,3}}$" if codes else r"(?!)"


def candidates(doc: Doc, matcher: Matcher, units: Units) -> list[tuple[int, int, str]]:
    """(start, end, source) token ranges that may hold a quantity."""
    found = [(e.start, e.end, "ent") for e in entities(doc) if e.label_ in NUMERIC_LABELS | DURATION_LABELS]
    for match_id, start, end in matcher(doc):
        source = doc.vocab.strings[match_id]
        inside = doc[start].ent_type_ and not (_listed_inside(doc[start], units) or _glued_code(doc[start], units)
                                               or re.match(_glued_scale_re(units), doc[start].text))
        if source == "NUMBER" and inside:
            continue  # an entity covers it: a quantity read whole, or a date, name, time...
        found.append((start, end, source))
    return found


def _idiom(doc: Doc, start: int, end: int, idioms: tuple[tuple[str, ...], ...]) -> bool:
    """Whether doc[start:end] lies inside one of the `idioms` (word sequences) as written."""
    for idiom in idioms:
        for first in range(max(0, end - len(idiom)), start + 1):
            if tuple(t.lower_ for t in doc[first:first + len(idiom)]) == idiom:
                return True
    return False


def _glued_code(token: Token, units: Units) -> bool:
    """NER and the name gazetteers sometimes take "USD7.20" for a name; it is an amount."""
    return token.text[:1].isupper() and re.match(_glued_code_re(units), token.text) is not None


def _listed_inside(token: Token, units: Units) -> bool:
    """A later number of "18 and 14.7 million" or "fell from 17 to 12 million" that NER put in
    one entity: it is read on its own too (a true range still wins the overlap in keep_best)."""
    joiners = units.list_words | units.range_connectors
    return token.ent_iob_ == "I" and token.i > 0 and token.nbor(-1).lower_ in joiners


def keep_best(metrics: list[Metric]) -> list[Metric]:
    """Drop metrics that overlap a better one (a pattern's rank over NER's bare "1", a
    range over its second end, a longer reading over a shorter)."""
    kept: list[Metric] = []
    for metric in sorted(metrics, key=lambda m: m.priority, reverse=True):
        if all(metric.end_char <= k.start_char or metric.start_char >= k.end_char for k in kept):
            kept.append(metric)
    return kept


# ---------------------------------------------------------------- reading one candidate

def read_metric(doc: Doc, start: int, end: int, source: str, units: Units, cues: Cues) -> Metric | None:
    """Read the quantity in doc[start:end] with its context; None if it holds none."""
    if source == "MULTIPLIER":
        return _multiplier(doc[start], cues)
    if source == "RANK" and _idiom(doc, start, end, cues.rank_idioms):
        return None  # "in the first place" ranks nothing
    if source == "RANK" and doc[end - 1].tag_ in ("JJS", "RBS"):
        if not _is_ordinal(doc[start], units):
            return None  # "3 largest" counts, it does not rank (the entity reading covers it)
        if doc[end - 1].tag_ == "RBS" and end < len(doc) and doc[end].pos_ == "ADJ":
            end += 1  # "third most valuable"
    sent = sentence(doc[start])
    while start > sent.start and units.currency(doc[start - 1].text):
        start -= 1  # "RMB 28 billion" that NER missed: the pattern found only "28"
    left = doc[max(sent.start, start - CONTEXT_LEFT)].idx
    last = doc[min(sent.end, end + CONTEXT_RIGHT) - 1]
    text = char_text(doc, left, last.idx + len(last))
    at = doc[start].idx - left
    found = find_quantity(text, at=at, until=doc[end - 1].idx + len(doc[end - 1]) - left, units=units)
    if found is None:
        return None
    number_end = left + (found.noun_start if found.noun_start is not None else found.end)
    numeric = doc.char_span(left + found.start, number_end, alignment_mode="expand")
    if numeric is None or not len(numeric):
        return None
    numeric = _without_verb(numeric)
    quantity, end_char = found.quantity, left + found.end
    noun = counted_noun(doc, numeric, quantity)
    unit = quantity.unit if found.noun_start is None else None
    if unit is None and _is_fraction(quantity, numeric, units):
        quantity, unit = replace(quantity, value=quantity.value * 100), "percent"  # "two-thirds of users"
    if unit is None and noun is not None:
        unit = noun_unit(noun, units, cues)
        if noun.i >= numeric.end:
            end_char = noun.idx + len(noun)
    unit = unit or quantity.unit or fallback_unit(number_token(numeric), units, cues)
    if source == "RANK":
        end_char = max(end_char, doc[end - 1].idx + len(doc[end - 1]))
    return Metric(numeric.start_char, end_char, quantity, unit, kind_of(unit, units, cues),
                  number_token(numeric), noun, source, numeric.end)


def _is_fraction(quantity: Quantity, numeric: Span, units: Units) -> bool:
    value = quantity.value
    return value is not None and 0 < abs(value) < 1 and any(t.lower_.split("-")[-1] in units.fractions for t in numeric)


def _is_ordinal(token: Token, units: Units) -> bool:
    return token.lower_ in units.ordinals or bool(re.fullmatch(r"\d+(?:st|nd|rd|th)", token.lower_))


def _without_verb(numeric: Span) -> Span:
    """"topped 240 million": the qualifier verb says "min" but is not part of the figure."""
    if len(numeric) > 1 and numeric[0].pos_ in ("VERB", "AUX"):
        return numeric[1:]
    return numeric


def _multiplier(verb: Token, cues: Cues) -> Metric | None:
    """"profit tripled" -> +200 percent; "double down" is an idiom, not a change."""
    nxt = verb.nbor(1) if verb.i + 1 < len(verb.doc) else None
    if nxt is not None and nxt.lower_ == "down":
        return None
    value = cues.multiplier_verbs[verb.lemma_.lower()]
    quantity = Quantity(value, None, None, "percent", None)
    return Metric(verb.idx, verb.idx + len(verb), quantity, "percent", "multiple", verb, None, "MULTIPLIER")


def number_token(numeric: Span) -> Token:
    """The token of a numeric span that the parse hangs the rest on ("million" in "240 million")."""
    nums = [t for t in numeric if t.like_num or t.pos_ == "NUM"]
    if not nums:
        return numeric.root
    for token in reversed(nums):
        if token.head.i < numeric.start or token.head.i >= numeric.end or token.head == token:
            return token
    return nums[-1]


def fallback_unit(number: Token, units: Units, cues: Cues) -> str:
    """The unit of a count with no noun after it: the noun the number hangs on, else a
    generic word (an empty unit would never match anything)."""
    head = number.head
    if head is not number and head.pos_ == "NOUN" and not head.ent_type_ and not _compares(head) \
            and head.lower_ not in units.figure_nouns:
        return noun_unit(head, units, cues)
    referent = _of_pronoun_noun(number)
    if referent is not None:
        return noun_unit(referent, units, cues)  # "over 800 companies, with 70 of them ..."
    subject = _level_subject(number, cues)
    if subject is not None:
        # "sales of electric cars rose to 1.3 million" -> cars; "users reached 5 million" -> users
        counted = next((o for p in subject.children if p.lower_ == "of" for o in p.children if o.tag_ in PLURAL_TAGS), None)
        if counted is not None or subject.tag_ in PLURAL_TAGS:
            return noun_unit(counted or subject, units, cues)
    return cues.default_count_unit


def _of_pronoun_noun(number: Token) -> Token | None:
    """The plural noun before "N of them" in the same sentence, which "them" stands for."""
    doc = number.doc
    after = doc[number.i + 1:number.i + 3]
    if len(after) < 2 or after[0].lower_ != "of" or after[1].pos_ != "PRON":
        return None
    sent = sentence(number)
    return next((t for t in reversed(doc[sent.start:number.i]) if t.tag_ in PLURAL_TAGS), None)


def kind_of(unit: str, units: Units, cues: Cues) -> str:
    if unit in _currencies(units):
        return "money"
    if unit in PERCENT_UNITS:
        return "percent"
    if unit == "rank":
        return "rank"
    if unit == "times":
        return "multiple"
    if unit.lower() in cues.time_units:
        return "duration"
    return "count"


@lru_cache(maxsize=4)
def _currencies(units: Units) -> frozenset[str]:
    return frozenset([*units.currency_symbols.values(), *units.currency_codes.values(), *units.currency_words.values()])


# ---------------------------------------------------------------- the counted noun

def counted_noun(doc: Doc, numeric: Span, quantity: Quantity) -> Token | None:
    """The noun a count counts, from the parse: the noun phrase right after the number
    ("12 regional hubs", "7 new robotics and drone startups", "tens of vendors"), else the
    noun the number hangs on, else "a workforce of 12,000" -> workforce."""
    number = number_token(numeric)
    after = _noun_after(doc, numeric.end, number)
    if after is not None and after.lower_ in load_units().figure_nouns:
        return None  # "the 700 million figure": a word for the number itself counts nothing
    if after is not None:
        return after
    head = number.head
    if number.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and head.tag_ in ("NN", "NNS") and head.i > number.i and not _compares(head):
        return head
    if number.dep_ == "pobj" and number.head.lower_ == "of" and number.head.head.pos_ == "NOUN":
        return number.head.head
    return None


def _noun_after(doc: Doc, i: int, number: Token, *, linked: bool = True) -> Token | None:
    sent_end = sentence(number).end
    if i < sent_end and doc[i].lower_ == "of":
        i += 1  # "dozens of companies", "millions of users"
    best = None
    for token in doc[i:min(sent_end, i + 7)]:
        if token.tag_ not in PHRASE_TAGS or token.ent_type_ in ("DATE", "TIME", "PERCENT", "MONEY") and token.tag_ in NOUN_TAGS:
            break
        if _compares(token):
            break  # "fell to 3 million year over year": a comparison, not what was counted
        if token.tag_ == "CC" and (best is None or _ends_phrase(best)):
            break  # "12 regional hubs and local staff": the phrase ended at the plural
        if token.tag_ in NOUN_TAGS:
            best = token
            if _ends_phrase(token):
                break  # "tens of vendors selling phones": a plural noun ends the phrase
    return best if best is not None and (not linked or _linked(best, number)) else None


def _compares(token: Token) -> bool:
    """"year over year", "month on month"."""
    doc = token.doc
    return (token.i + 2 < len(doc) and doc[token.i + 1].lower_ in load_units().comparison_joiners
            and doc[token.i + 2].lower_ == token.lower_)


def _ends_phrase(noun: Token) -> bool:
    """A plural noun ends the counted phrase unless it modifies a noun after it
    ("7 robotics and drone startups": robotics modifies startups)."""
    modifies = noun.head.i > noun.i and noun.head.tag_ in NOUN_TAGS
    return noun.tag_ in PLURAL_TAGS and not modifies


def _linked(noun: Token, number: Token) -> bool:
    """The noun is the number's head (or a conjunct of it), or hangs below the number
    ("dozens of companies"): not a noun that merely follows ("sold 3 million last year")."""
    heads = list(number.ancestors)[:4]
    if noun in heads or (noun.dep_ == "conj" and noun.head in heads):
        return True
    return number in list(noun.ancestors)[:4]


def noun_unit(noun: Token, units: Units, cues: Cues) -> str:
    """A counted noun as a unit: plural, lower case unless an acronym or brand."""
    mapped = cues.of_nouns.get(noun.lower_) or cues.of_nouns.get(noun.lemma_.lower())
    if mapped:
        return mapped
    return pluralise(noun.text if noun.tag_ in PLURAL_TAGS or not noun.text.islower() else noun.lemma_, units=units)


# ---------------------------------------------------------------- what is not a metric

def is_noise(doc: Doc, metric: Metric, source: str, cues: Cues) -> bool:
    """Years, dates, names, codes, labels, list numbers, phone numbers, "one", references
    back and time frames: numbers that are not quantitative facts."""
    q = metric.quantity
    if source == "ent" and metric.number.ent_type_ in DURATION_LABELS and metric.kind != "duration":
        return True  # a date or a time of day
    if (source == "NUMBER" and metric.noun is None and metric.kind == "count"
            and metric.number.ent_type_ not in NUMERIC_LABELS and not _is_scaled(_span(doc, metric))):
        return True  # a bare number NER did not take for a quantity: too often a label
    if metric.kind in ("count", "duration") and q.value == 1:
        return True  # "one of them", "one-stop", "a year": the word, not a count
    if q.value is None and q.value_min == q.value_max:
        return True  # "a 50-50 venture" is a split, not a range
    if metric.kind == "count" and metric.unit == cues.default_count_unit and q.value is not None and not q.value.is_integer():
        return True  # "on 11.11": a count is whole; a bare decimal is a date, score or version
    span = _span(doc, metric)
    return (_is_year(span, q, metric) or _in_name(doc, metric) or _is_label(doc, span, metric, cues)
            or metric.kind not in ("money", "percent") and _is_list_number(doc, span) or _is_phone(doc, span)
            or metric.kind == "count" and not _is_scaled(span) and _is_reference(doc, span, cues)
            or metric.kind == "duration" and _in_time_frame(doc, span, cues))


def _span(doc: Doc, metric: Metric) -> Span:
    return doc.char_span(metric.start_char, metric.end_char, alignment_mode="expand")


def _is_year(span: Span, q: Quantity, metric: Metric) -> bool:
    """A bare four-digit integer in the calendar's range ("in 2016", "2019's results"), or a
    span of them ("the 2019-2020 season")."""
    if metric.kind not in ("count", "duration"):
        return False
    years = [t for t in span if re.fullmatch(r"(?:19|20)\d\d", t.text)]
    if metric.kind == "duration":  # "ahead of the 2025 Lunar New Year": a year, then a holiday's name
        return bool(years) and years[0] == metric.number and metric.number.ent_type_ == "DATE"
    if q.value is None:
        return len(years) == 2
    return bool(years) and years[0] == metric.number and (metric.noun is None or metric.number.ent_type_ == "DATE")


def _in_name(doc: Doc, metric: Metric) -> bool:
    """Digits that belong to a name: inside a company or product ("Honor 90"), or right
    after a proper noun they modify ("Global Survey 2021", "Mate 60")."""
    number = metric.number
    if metric.kind == "money" and metric.start_char == number.idx and _glued_code(number, load_units()):
        return False  # "USD7.20" read whole as an amount, whatever the gazetteer thought
    if number.i in _named_tokens(doc):
        return True
    if metric.kind in ("money", "percent", "rank", "multiple"):
        return False
    prev = doc[number.i - 1] if number.i > 0 else None
    after_name = prev is not None and prev.tag_ in ("NNP", "NNPS") and prev.whitespace_ and metric.noun is None
    proper_head = number.head.tag_ in ("NNP", "NNPS") and number.head.i < number.i
    return after_name or proper_head or _in_title(number)


def _in_title(number: Token) -> bool:
    """A capitalised number word inside a title-case phrase: "the 14th Five-Year Plan"."""
    doc = number.doc
    if not number.text[:1].isupper() or number.is_sent_start or number.text[:1].isdigit():
        return False
    k = number.i + 1
    if k < len(doc) and doc[k].text == "-":
        k += 1
    return k < len(doc) and doc[k].text.istitle()


def _named_tokens(doc: Doc) -> set[int]:
    cache = _cache(doc)
    if "named" not in cache:
        cache["named"] = {i for key in (COMPANIES, PRODUCTS) if key in doc.spans
                          for span in doc.spans[key] for i in range(span.start, span.end)}
    return cache["named"]


def _is_label(doc: Doc, span: Span, metric: Metric, cues: Cues) -> bool:
    """"version 2", "chapter 3", "page 12": a number that names rather than counts."""
    prev = doc[span.start - 1] if span.start > 0 else None
    return metric.kind == "count" and prev is not None and prev.lower_ in cues.label_words


def _is_list_number(doc: Doc, span: Span) -> bool:
    """"1." or "2)" opening a line is list numbering; "[12]" or "(3)" alone is a reference mark."""
    if len(span) != 1:
        return False
    first = span[0]
    prev = doc[first.i - 1] if first.i > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    at_line_start = prev is None or "\n" in prev.text_with_ws
    if at_line_start and nxt is not None and nxt.text in (".", ")"):
        return True
    return prev is not None and nxt is not None and prev.text in ("[", "(") and nxt.text in ("]", ")")


_PHONE_RE = re.compile(r"\+?\(?\d{1,4}\)?(?:[\s.-]\d{2,4}){2,}")


def _is_phone(doc: Doc, span: Span) -> bool:
    """Digit groups joined by spaces, dots or dashes, seven digits or more: "+86 10 1234 5678"."""
    sent = sentence(span)
    at = span.start_char - sent.start_char
    for match in _PHONE_RE.finditer(sent.text):
        if match.start() <= at < match.end() and sum(c.isdigit() for c in match.group()) >= 7:
            return not re.search(r"\d,\d{3}", match.group())
    return False


def _is_scaled(span: Span) -> bool:
    """"the three million units mark": a count large enough to need a scale word is a new
    figure, not a reference back to things already named."""
    units = load_units()
    glued = _glued_scale_re(units)
    return any(t.lower_ in units.scale_words or re.match(glued, t.text) for t in span)  # "3bn" too


def _is_reference(doc: Doc, span: Span, cues: Cues) -> bool:
    """"the two startups", "these three apps", "the above four markets": a count that
    refers back to things already named, not a new fact."""
    i = span.start - 1
    while i >= 0 and doc[i].tag_ in ("JJ", "RB", "VBG") and i >= span.start - 2:
        i -= 1
    return i >= 0 and doc[i].lower_ in cues.definite_determiners and doc[i].dep_ == "det"


def _in_time_frame(doc: Doc, span: Span, cues: Cues) -> bool:
    """"in the last six years", "within three months", "20 years ago": the duration places
    an event in time; "for six straight months" measures how long something lasted."""
    sent = sentence(span)
    before = [t.lower_ for t in doc[max(sent.start, span.start - 3):span.start]]
    after = doc[span.end].lower_ if span.end < sent.end else ""
    return bool(cues.frame_before.intersection(before)) or after in cues.frame_after


# ---------------------------------------------------------------- describing the facts

def describe(doc: Doc, metrics: list[Metric], cues: Cues, *, check: bool = True) -> list[dict]:
    """Rows for the metrics table (offsets, value, unit, sign, subject, measure, period, group)."""
    mentions = Mentions(doc)
    article_date = _article_date(doc)
    rows = []
    for metric in metrics:
        if is_decrease(doc, metric, cues):
            metric = replace(metric, quantity=negate(metric.quantity))
        span = _span(doc, metric)
        rows.append(_row(doc, metric, span, {
            "subject": find_subject(doc, metric, mentions, cues),
            "measure": find_measure(doc, metric, cues),
            "period": find_period(doc, span, cues, article_date),
        }))
    link_groups(doc, metrics, rows, cues, check=check)
    return rows


def _row(doc: Doc, metric: Metric, span: Span, described: dict) -> dict:
    q = metric.quantity
    return {
        "start_char": metric.start_char, "end_char": metric.end_char,
        "text": char_text(doc, metric.start_char, metric.end_char),
        "value": q.value, "value_min": q.value_min, "value_max": q.value_max,
        "unit": metric.unit, "qualifier": q.qualifier or "",
        **described, "group_id": "", "check": "", "token": span.start,
    }


def negate(q: Quantity) -> Quantity:
    if q.value is not None:
        return replace(q, value=-abs(q.value))
    return replace(q, value_min=-abs(q.value_max), value_max=-abs(q.value_min))


def is_decrease(doc: Doc, metric: Metric, cues: Cues) -> bool:
    """Whether the figure is a fall: "shrank 4%", "down 3%", "a decline of 12%", "fell by
    3 million units"; not "fell to $3 billion" (the new level) and never a rank or a duration."""
    if metric.kind in ("rank", "duration", "multiple"):
        return False
    span = _span(doc, metric)
    if span.start > 0 and doc[span.start - 1].lower_ in ("down", "minus"):
        return True
    if span.start > 1 and doc[span.start - 1].lower_ in cues.level_prepositions and doc[span.start - 2].like_num:
        return False  # "fell from 9 to 6 million": both ends are levels, whatever the parse says
    preposition = None
    token = span.root
    for _ in range(6):
        if token.pos_ == "NOUN" and token.i not in range(span.start, span.end) and (
                token.lemma_.lower() in cues.increase
                or any(c.dep_ == "compound" and c.lemma_.lower() in cues.increase for c in token.children)):
            return False  # "sales cooled, with a 2.1% growth rate": the rate is still growth
        if token.dep_ == "prep" or token.pos_ == "ADP":
            preposition = preposition or token.lower_
        if token.lemma_.lower() in cues.decrease and token.i not in range(span.start, span.end):
            return preposition not in cues.level_prepositions or _dangling_by(token)
        if token.lemma_.lower() in cues.cut_verbs and (preposition == "by" or token.pos_ == "NOUN" and preposition == "of"):
            return True  # "lowered the price by $1,500", "price cuts of as much as 20%": the size of the cut
        if token.pos_ in ("VERB", "AUX") or token.head == token:
            return False
        token = token.head
    return False


def _dangling_by(verb: Token) -> bool:
    """"drop by around to 2 million": the parser hung the figure on "to" and left "by"
    without an object; the figure is still the size of the fall."""
    return any(c.lower_ == "by" and not any(True for _ in c.children) for c in verb.children)


# ---------------------------------------------------------------- subject

@dataclass(frozen=True)
class Mention:
    span: Span
    name: str  # canonical: the entities component's kb_id, or the place as written
    label: str  # company | investor | publisher | product | GPE


class Mentions:
    """Companies, products and places named in the doc, by token, for subject finding."""

    def __init__(self, doc: Doc):
        found: list[Mention] = []
        taken: set[int] = set()
        for key in (COMPANIES, PRODUCTS):
            for span in doc.spans[key] if key in doc.spans else ():
                if any(c.isalpha() for c in span.text):  # a stray "21" is no company
                    found.append(Mention(span, span.kb_id_ or span.text, span.label_))
                taken.update(range(span.start, span.end))
        for ent in entities(doc):
            if ent.label_ == "GPE" and not taken.intersection(range(ent.start, ent.end)):
                found.append(Mention(ent, _strip_the(ent.text), "GPE"))
        self.mentions = sorted(found, key=lambda m: m.span.start)
        self.by_token = {i: m for m in self.mentions for i in range(m.span.start, m.span.end)}

    def at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def antecedent(self, token: Token) -> Mention | None:
        """What a pronoun (or "the company", or a bare "revenue") stands for: the nearest
        company, product or place before it within a few sentences that was a clause's
        subject (or its possessor); else the nearest company or product; else the nearest
        place. Publishers are sources, never this."""
        window = sentence(token).start
        for _ in range(ANTECEDENT_SENTENCES):
            if window > 0:
                window = sentence(token.doc[window - 1]).start
        before = [m for m in self.mentions if window <= m.span.start and m.span.end <= token.i
                  and m.label not in ("publisher", "investor")]
        if token.lemma_.lower() in _COMPANY_NOUNS and any(m.label == "company" for m in before):
            # "The company reported ..." after "ByteDance, the parent of TikTok": a firm, not its app.
            before = [m for m in before if m.label == "company"]
        salient = [m for m in before if _salient(m.span)]
        named = [m for m in before if m.label != "GPE"]
        # "Alibaba's Hong Kong shares rose": the company owns the figure, not the place.
        owners = [m for m in salient if m.label != "GPE"]
        return (owners or salient or named or before or [None])[-1]

    def inside(self, noun: Token, cues: Cues) -> Mention | None:
        """A company or product named inside a noun phrase ("shares of the Guangzhou-based
        firm" -> the firm's antecedent), else a place named there ("sales in Norway")."""
        found = []
        for token in noun.subtree:
            if token is not noun:
                found.append(self.at(token) or (self.antecedent(token) if _is_anaphoric(token, cues) else None))
        found = [m for m in found if m is not None]
        return next((m for m in found if m.label != "GPE"), found[0] if found else None)

    def nearest(self, span: Span) -> Mention | None:
        """The mention in the same sentence closest to the span."""
        sent = sentence(span)
        near = [(abs(m.span.start - span.start), k, m) for k, m in enumerate(self.mentions)
                if sent.start <= m.span.start < sent.end and m.label != "publisher"
                and not (span.start <= m.span.start < span.end)]
        return min(near)[2] if near else None


# Anaphoric nouns that only a company can be the antecedent of ("the app" may be a product).
_COMPANY_NOUNS = frozenset({"company", "firm", "startup", "start-up", "group", "giant", "maker", "manufacturer",
                            "vendor", "conglomerate", "unicorn", "carmaker", "automaker", "retailer", "operator"})


def _salient(span: Span) -> bool:
    root = span.root
    if root.dep_ in SUBJECT_DEPS:
        return True
    return root.dep_ in ("poss", "compound") and root.head.dep_ in SUBJECT_DEPS


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def find_subject(doc: Doc, metric: Metric, mentions: Mentions, cues: Cues) -> str:
    """Who or what the figure is about (see _find_subject); a count of a company's own named
    product ("Xiaomi delivered 20,000 SU7 vehicles") is about the product."""
    subject = _find_subject(doc, metric, mentions, cues)
    product = _counted_product(metric, mentions)
    if product is not None and subject in ("", (doc._.ct_makers or {}).get(product.name)):
        return product.name
    return subject


def _find_subject(doc: Doc, metric: Metric, mentions: Mentions, cues: Cues) -> str:
    """Who or what the figure is about: the first company, product or place met walking up
    the parse from the number (a possessor, the subject of a governing verb, a pronoun's
    antecedent); else the subject noun phrase; else the nearest mention in the sentence."""
    span = _span(doc, metric)
    respective = _respective(span, mentions) or _listed_with(doc, span, metric, mentions)
    if respective is not None:
        return respective.name
    start = metric.noun if metric.noun is not None and metric.noun.i >= span.start else metric.number
    # "Analysts attribute 30% of ByteDance's growth to ...": the owner of the whole, unless
    # a named company governs the figure ("Tencent holds 20% of Meituan's shares").
    owner = _share_owner(span, mentions, cues)
    fallback = ""
    token = start
    for _ in range(MAX_CLIMB):
        mention = (mentions.at(token) if token is not start else None) or _possessor(token, mentions, cues) \
            or (_compounded(token, mentions) if token is not start and token.pos_ == "NOUN" else None)
        if mention:
            return mention.name
        if token.pos_ in ("VERB", "AUX"):
            name, chunk = _verb_subject(token, mentions, cues, span)
            if name:
                return name
            if owner is not None:
                return owner.name
            other = _object_or_agent(token, mentions, cues, span)
            if other is not None:
                return other.name
            fallback = fallback or chunk
        if token.head == token:
            break
        if token.dep_ in ("ccomp", "parataxis") and token.head.lemma_.lower() in cues.reporting_verbs:
            # "CATL said its revenue rose": the reporter is the subject only if it is a
            # company speaking of itself; a publisher or analyst is the figure's source.
            reporter = _named_subject(token.head, mentions, cues)
            return reporter.name if reporter and reporter.label not in ("publisher", "GPE") and not fallback else fallback
        token = token.head
    if fallback:
        return fallback
    nearest = _nearest_referent(span, mentions, cues)
    return nearest.name if nearest else ""


def _counted_product(metric: Metric, mentions: Mentions) -> Mention | None:
    """"shipped 5,000 Model Y cars", "9,000 units of its ET7": a count of a named
    product is about the product, not its maker."""
    noun = metric.noun
    if metric.kind != "count" or noun is None:
        return None
    heads = [noun, *(o for p in noun.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj")]
    words = sorted({t.i: t for head in heads for t in (head, *head.lefts)}.values(), key=lambda t: t.i)
    found = (mentions.at(t) for t in words)
    return next((m for m in found if m is not None and m.label == "product"), None)


def _listed_with(doc: Doc, span: Span, metric: Metric, mentions: Mentions) -> Mention | None:
    """Figures listed against names: "12% for Oppo, 9.5% for Vivo"; "followed by Kimi at
    8 million". The name written right next to the figure, joined by "for" or "at"."""
    after = doc[span.end:span.end + 2]
    if metric.kind == "percent" and len(after) == 2 and after[0].lower_ == "for":
        found = mentions.at(after[1])
        if found is not None and found.label != "GPE":
            return found
    if span.start >= 2 and doc[span.start - 1].lower_ == "at":
        found = mentions.at(doc[span.start - 2])
        if found is not None and found.label != "GPE":
            return found
    return None


def _share_owner(span: Span, mentions: Mentions, cues: Cues) -> Mention | None:
    """"nearly half of Tencent's ad revenue": a share of something a named company owns."""
    for token in span:
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ != "of" or prep.i < span.end - 1:
                continue
            for whole in prep.children:
                if whole.dep_ == "pobj":
                    found = _possessor(whole, mentions, cues)
                    if found is not None and found.label != "GPE":
                        return found
    return None


def _respective(span: Span, mentions: Mentions) -> Mention | None:
    """"Oppo and Vivo shipped 9 and 7 million units, respectively": the i-th listed number
    belongs to the i-th of the names coordinated in the sentence."""
    sent = sentence(span)
    marker = next((t for t in sent if t.lower_ == "respectively"), None)
    if marker is None or marker.i < span.start:
        return None
    named = [m for m in mentions.mentions if sent.start <= m.span.start < marker.i and m.label not in ("publisher", "GPE")]
    roots = {m.span.root.i: m for m in named}
    chains = []
    for m in named:
        root = m.span.root
        if root.dep_ == "conj" and root.head.i in roots:
            continue
        chain = [m]
        while True:
            nxt = next((c for c in chain[-1].span.root.children if c.dep_ == "conj" and c.i in roots), None)
            if nxt is None:
                break
            chain.append(roots[nxt.i])
        if len(chain) > 1:
            chains.append(chain)
    if not chains:
        return None
    chain = chains[-1]
    scales = load_units().scale_words
    numbers = [t.i for t in sent if t.i < marker.i and t.like_num and t.lower_ not in scales
               and t.i >= chain[-1].span.end and not any(c.isalpha() for c in t.text)]
    numbers = numbers[-len(chain):]
    first = next((t.i for t in span if t.like_num and t.lower_ not in scales), None)
    if len(numbers) != len(chain) or first not in numbers:
        return None
    return chain[numbers.index(first)]


def _object_or_agent(verb: Token, mentions: Mentions, cues: Cues, figure: Span) -> Mention | None:
    """When a verb's subject names no company: the object it values ("the round valued it at
    $2 billion", "estimating its value at"), or the agent of a passive ("was secured by Apple").
    An investor or publisher is never the answer ("led by Sequoia")."""
    for child in verb.children:
        if figure.start <= child.i < figure.end:
            continue
        found = None
        if child.dep_ == "dobj":
            found = _resolve(child, mentions, cues) or _possessor(child, mentions, cues)
        elif child.dep_ == "agent" and any(c.dep_ == "nsubjpass" for c in verb.children):
            found = next((_resolve(o, mentions, cues) for o in child.children if o.dep_ == "pobj"), None)
        if found is not None and found.label not in ("investor", "publisher"):
            return found
    return None


def _nearest_referent(span: Span, mentions: Mentions, cues: Cues) -> Mention | None:
    """The mention closest to the figure in its sentence, counting "the company" or "it" as the
    name it stands for."""
    best = mentions.nearest(span)
    distance = abs(best.span.start - span.start) if best else len(span.doc)
    for token in sentence(span):
        if span.start <= token.i < span.end or mentions.at(token) or abs(token.i - span.start) >= distance:
            continue
        if _is_anaphoric(token, cues):
            found = mentions.antecedent(token)
            if found is not None and found.label != "GPE":
                best, distance = found, abs(token.i - span.start)
    return best


def _possessor(token: Token, mentions: Mentions, cues: Cues) -> Mention | None:
    for child in token.children:
        if child.dep_ == "poss":
            return _resolve(child, mentions, cues)
    return None


def _resolve(token: Token, mentions: Mentions, cues: Cues) -> Mention | None:
    """A mention, or the antecedent of a pronoun or of "the company"."""
    if token.lower_ in cues.pronouns or _is_anaphoric(token, cues):
        return mentions.antecedent(token)
    return mentions.at(token)


def _is_anaphoric(token: Token, cues: Cues) -> bool:
    """"the company", "this startup": a noun that points back to a named one."""
    return token.lemma_.lower() in cues.anaphoric_nouns and any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children)


def _subject_of(verb: Token) -> Token | None:
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is not None and subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        return verb.head  # "Douyin, an app that lets ...": the noun the relative clause is about
    if subject is None and verb.dep_ in ("xcomp", "conj") and verb.head.pos_ in ("VERB", "AUX"):
        return _subject_of(verb.head)  # "the market is expected to reach $2 trillion"
    return subject


def _named_subject(verb: Token, mentions: Mentions, cues: Cues) -> Mention | None:
    """The mention a verb's subject names: itself, its antecedent, its possessor, or a name
    compounded into it ("Tencent shares")."""
    subject = _subject_of(verb)
    if subject is None:
        return None
    found = _resolve(subject, mentions, cues) or _apposed(subject, mentions) or _possessor(subject, mentions, cues)
    if found:
        return found
    return next((mentions.at(c) for c in subject.children if c.dep_ in ("compound", "nmod") and mentions.at(c)), None)


def _compounded(noun: Token, mentions: Mentions) -> Mention | None:
    """"the Doubao desktop app with 3 million users": a name compounded into the noun the figure
    hangs from."""
    found = (mentions.at(c) for c in noun.children if c.dep_ == "compound")
    return next((m for m in found if m is not None and m.label not in ("GPE", "publisher", "source")), None)  # not "LSEG data of ..."


def _apposed(noun: Token, mentions: Mentions) -> Mention | None:
    """"China's largest chipmaker, SMIC, ...": the name in apposition, not the possessor place."""
    return next((mentions.at(c) for c in noun.children if c.dep_ == "appos" and mentions.at(c)), None)


def _verb_subject(verb: Token, mentions: Mentions, cues: Cues, figure: Span) -> tuple[str | None, str]:
    """(a named subject, else the subject's noun phrase) of a verb; not the figure itself
    ("35% of whom are engineers")."""
    subject = _subject_of(verb)
    if subject is not None and (subject.like_num or subject.pos_ == "NUM"):
        # "Of these, 1,200 went abroad": a share of what "these" stands for; a bare
        # figure as subject (this one or another) says nothing of who it is about.
        partitive = [*subject.children, *(c for c in verb.children if c.i < subject.i)]  # the parse hangs it on either
        whole = next((o for c in partitive if c.lower_ == "of" for o in c.children if o.dep_ == "pobj"), None)
        found = _resolve(whole, mentions, cues) if whole is not None else None
        return (found.name if found else None), ""
    if subject is None or subject.left_edge.i <= figure.start <= subject.right_edge.i:
        return None, ""  # "the 38 percent drop was ...": the figure's own phrase, not its subject
    named = _named_subject(verb, mentions, cues)
    lemma = subject.lemma_.lower()
    if named and named.label != "GPE":
        return named.name, ""
    if lemma in cues.market_nouns:
        return noun_phrase(subject), ""  # "the global tablet market shrank": the market itself
    if named:
        return named.name, ""
    # "The stock closed at HK$4.10": a measure noun as a main clause's own subject stands for
    # the company in focus; deeper down ("an app that allows users to post") only with a level verb.
    main = subject.head == verb and verb.dep_ in ("ROOT", "conj")
    if lemma in cues.measure_nouns and (main or _states_level(verb, cues)):
        # "revenue rose 15%": the measure, not the subject; the company in focus owns it.
        # "sales of electric cars in China rose": else the place or company named inside.
        focus = mentions.inside(subject, cues) or mentions.antecedent(subject)
        return (focus.name if focus else None), noun_phrase(subject)
    if subject.lower_ in cues.pronouns or subject.pos_ == "PRON":
        return None, ""  # an unresolved "That was down 46%" names nothing
    if subject.pos_ in ("VERB", "AUX"):
        return None, ""  # a clause the parser took for a subject ("revealing the game has sold")
    return None, noun_phrase(subject)


def _states_level(verb: Token, cues: Cues) -> bool:
    """A verb that gives a measure's level or change: "revenue rose", "sales reached"."""
    lemma = verb.lemma_.lower()
    return lemma in cues.level_verbs or lemma in cues.increase or lemma in cues.decrease


def noun_phrase(noun: Token) -> str:
    """The noun with its left modifiers, without determiners and possessive pronouns."""
    words = [t for t in noun.doc[noun.left_edge.i:noun.i + 1] if t.dep_ not in ("det", "predet") and t.tag_ != "PRP$"]
    while words and (words[0].is_punct or words[0].tag_ == "POS"):
        words = words[1:]
    return "".join(t.text_with_ws for t in words).strip()


# ---------------------------------------------------------------- measure

def find_measure(doc: Doc, metric: Metric, cues: Cues) -> str:
    """What is measured, in a few words: "monthly active users", "net revenue", "Series C
    round", "growth", "rank in Korea's cloud market"."""
    if metric.source == "MULTIPLIER":
        subject = _subject_of(metric.number)
        change = "decline" if (metric.quantity.value or 0) < 0 else "growth"
        return f"{_bare_phrase(subject)} {change}".strip() if subject is not None else change
    if metric.kind == "rank":
        return _rank_measure(doc, metric)
    if metric.kind == "duration":
        return _duration_measure(doc, metric)
    if metric.noun is not None and metric.kind == "count":
        if metric.noun.i >= metric.number_end:
            return _text(doc[metric.number_end:metric.noun.i + 1], skip_first={"of"})
        return _bare_phrase(metric.noun)
    found = _path_measure(doc, metric, cues)
    if found:
        return found
    before = doc[span.start - 1].lower_ if (span := _span(doc, metric)).start > 0 else ""
    if before in ("up", "down"):
        return "growth" if before == "up" else "decline"  # "up 10.9 percent from a year earlier"
    if metric.kind == "percent":
        return "decline" if (metric.quantity.value or metric.quantity.value_max or 0) < 0 else "share"
    return {"money": "amount"}.get(metric.kind, metric.unit)


def _text(tokens: Iterable[Token], *, skip_first: set[str] = frozenset()) -> str:
    words = list(tokens)
    while words and (words[0].lower_ in skip_first or words[0].is_punct):
        words = words[1:]
    return "".join(t.text_with_ws for t in words).strip()


def _bare_phrase(noun: Token) -> str:
    """A noun phrase without determiners and possessors: "Sina Weibo's stock price" -> "stock price"."""
    owned = {t.i for c in noun.children if c.dep_ == "poss" for t in c.subtree}
    words = [t for t in noun.doc[noun.left_edge.i:noun.i + 1]
             if t.i not in owned and t.dep_ not in ("det", "predet") and t.tag_ != "PRP$"]
    return _text(words)


def _duration_measure(doc: Doc, metric: Metric) -> str:
    """"10-minute videos" -> video length; "a 45-year-old founder" -> age."""
    span = _span(doc, metric)
    if span.text.lower().endswith("-old"):
        return "age"
    noun = metric.noun
    if noun is not None and noun.i >= span.end:
        return f"{_text(doc[span.end:noun.i], skip_first=set())} {noun.lemma_} length".strip().replace("  ", " ")
    return "duration"


def _path_measure(doc: Doc, metric: Metric, cues: Cues) -> str:
    token = _span(doc, metric).root
    for _ in range(6):
        head = token.head
        if token.dep_ in ("attr", "acomp") and head.pos_ in ("AUX", "VERB"):
            subject = _subject_of(head)
            if subject is not None and subject.pos_ == "NOUN":
                return _bare_phrase(subject)  # "net revenue was RMB 45.3 billion"
        if token.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
            return _bare_phrase(head.head)  # "an increase of 14.2%"
        level_of = _level_subject(token, cues)
        if level_of is not None:
            return _bare_phrase(level_of)  # "revenue fell 5% to RMB 28 billion": the revenue
        if head.pos_ == "VERB" and token.dep_ in ("dobj", "npadvmod", "pobj", "prep", "attr"):
            return _verb_measure(head, cues)
        if head == token:
            break
        token = head
    return ""


def _level_subject(token: Token, cues: Cues) -> Token | None:
    """The subject noun whose new level a figure gives: "revenue rose to $5bn", "sales
    reached 5 million", "users were 300 million"."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ in cues.level_prepositions:
        verb = head.head
    elif token.dep_ in ("dobj", "attr"):
        verb = head
    else:
        return None
    if verb.pos_ not in ("VERB", "AUX") or not _states_level(verb, cues):
        return None
    subject = _subject_of(verb)
    return subject if subject is not None and subject.pos_ == "NOUN" else None


def _verb_measure(verb: Token, cues: Cues) -> str:
    for prep in (c for c in verb.children if c.dep_ == "prep"):
        for obj in prep.children:
            if obj.lemma_.lower() in cues.funding_nouns:
                return _bare_phrase(obj)  # "raised $450M in a Series C round"
    lemma = verb.lemma_.lower()
    if lemma in cues.verb_measures:
        return cues.verb_measures[lemma]
    if lemma in cues.decrease:
        return "decline"
    if lemma in cues.increase:
        return "growth"
    return ""


def _rank_measure(doc: Doc, metric: Metric) -> str:
    """"number two vendor" -> rank as vendor; "top five brands" -> rank among brands;
    "ranked No. 4 in X" -> rank in X."""
    span = _span(doc, metric)
    noun = _noun_after(doc, span.end, metric.number, linked=False)
    if noun is not None:
        relation = "among" if noun.tag_ in PLURAL_TAGS else "as"
        return f"rank {relation} {_text(doc[span.end:noun.i + 1])}"
    for token in (span.root, span.root.head):
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("in", "among", "on")):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return f"rank {prep.lower_} {noun_phrase(obj)}"
    return "rank"


# ---------------------------------------------------------------- period

_YEAR_RE = re.compile(r"\b(19\d\d|20\d\d)\b")
_QUARTER_RE = re.compile(r"\bQ([1-4])\b|\b(first|second|third|fourth)\s+quarter\b", re.IGNORECASE)
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}


def _article_date(doc: Doc) -> date | None:
    try:
        return date.fromisoformat(str(meta(doc).get("date") or "")[:10])
    except ValueError:
        return None


def find_period(doc: Doc, span: Span, cues: Cues, article_date: date | None) -> str:
    """The year or date the figure refers to: the nearest date in its sentence ("in 2016",
    "March 2017", "Q3 2019"), with relative ones ("this week", "last year") resolved
    against the article's date."""
    sent = sentence(span)
    verb = _clause_verb(span.root)
    dates = [e for e in entities(span.doc) if e.label_ == "DATE" and sent.start <= e.start and e.end <= sent.end
             and (e.end <= span.start or e.start >= span.end)
             and not (e.start > 0 and span.doc[e.start - 1].lower_ in cues.comparison_words)
             and _governs(_clause_verb(e.root), verb)]
    for ent in sorted(dates, key=lambda e: min(abs(e.start - span.end), abs(span.start - e.end))):
        period = normalise_period(ent.text, article_date, cues)
        if period:
            return period
    return ""


def _clause_verb(token: Token) -> Token | None:
    return next((t for t in (token, *token.ancestors) if t.pos_ in ("VERB", "AUX")), None)


def _governs(date_verb: Token | None, verb: Token | None) -> bool:
    """A date dates a figure when both hang on the same verb, or the date's verb governs the
    figure's ("In 2016 X announced that it has 35 ..."); not "Founded in 2010, X employs 900"."""
    if date_verb is None or verb is None or date_verb == verb or date_verb in verb.ancestors:
        return True
    # "The company, which last year weathered a probe, reported ...": a relative clause on the
    # subject of the figure's verb dates the subject's report too.
    return date_verb.dep_ == "relcl" and date_verb.head.dep_ in SUBJECT_DEPS and date_verb.head.head == verb


def normalise_period(text: str, article_date: date | None, cues: Cues | None = None) -> str:
    """"March 2017" -> 2017-03, "Q3 2019" -> 2019-Q3, "May 17" -> 2019-05-17 (with the
    article's year), "last year" -> 2018, "this week" -> 2019-W20; "" if it names no period."""
    low = " ".join(text.lower().replace("’", "'").split())
    year = _YEAR_RE.search(low)
    if year:
        return _dated_period(low, int(year.group(1)))
    if article_date is None:
        return ""
    relative = _relative_period(low, article_date, cues or load_cues())
    return relative or _undated_period(low, article_date)


def _dated_period(low: str, year: int) -> str:
    quarter = _QUARTER_RE.search(low)
    if quarter:
        return f"{year}-Q{quarter.group(1) or _QUARTERS[quarter.group(2).lower()]}"
    month, day = _month_day(low)
    if month and day:
        return f"{year}-{month:02d}-{day:02d}"
    if month:
        return f"{year}-{month:02d}"
    return str(year)


def _month_day(low: str) -> tuple[int | None, int | None]:
    words = re.findall(r"[a-z]+\.?|\d+", low)
    for k, word in enumerate(words):
        month = _MONTHS.get(word.rstrip("."))
        if month and (len(word) > 3 or word.endswith(".") or len(words) > 1):
            nxt = words[k + 1] if k + 1 < len(words) else ""
            prev = words[k - 1] if k else ""
            day = next((int(w) for w in (nxt, prev) if w.isdigit() and 1 <= int(w) <= 31), None)
            return month, day
    return None, None


def _relative_period(low: str, today: date, cues: Cues) -> str:
    phrase = next((p for p in sorted(cues.relative_periods, key=len, reverse=True) if re.search(rf"\b{re.escape(p)}\b", low)), None)
    if phrase is None:
        return ""
    grain, shift = cues.relative_periods[phrase]
    if grain == "day":
        return (today + timedelta(days=shift)).isoformat()
    if grain == "week":
        year, week, _ = (today + timedelta(weeks=shift)).isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        index = today.year * 12 + today.month - 1 + shift
        return f"{index // 12}-{index % 12 + 1:02d}"
    if grain == "quarter":
        index = today.year * 4 + (today.month - 1) // 3 + shift
        return f"{index // 4}-Q{index % 4 + 1}"
    return str(today.year + shift)


FUTURE_DAYS = 62  # an undated month or day this close after the article's date is upcoming


def _latest_year(today: date, month: int, day: int) -> int:
    """The year of the latest such date up to a couple of months after the article's: news
    mostly reports the past ("in March", written in November, was this year's), but
    "will launch on September 21", written in August, is next month."""
    for year in (today.year + 1, today.year, today.year - 1):
        try:
            if date(year, month, day) <= today + timedelta(days=FUTURE_DAYS):
                return year
        except ValueError:
            continue
    return today.year


def _undated_period(low: str, today: date) -> str:
    """A month, day or quarter without a year, dated from the article's date; a weekday:
    the latest one on or before the article's date."""
    quarter = _QUARTER_RE.search(low)
    if quarter:
        number = int(quarter.group(1) or _QUARTERS[quarter.group(2).lower()])
        return f"{_latest_year(today, 3 * number - 2, 1)}-Q{number}"
    month, day = _month_day(low)
    if month:
        year = _latest_year(today, month, day or 1)
        return f"{year}-{month:02d}-{day:02d}" if day else f"{year}-{month:02d}"
    weekday = next((d for w, d in _WEEKDAYS.items() if re.search(rf"\b{w}\b", low)), None)
    if weekday is not None:
        return (today - timedelta(days=(today.weekday() - weekday) % 7)).isoformat()
    return ""


# ---------------------------------------------------------------- one figure, two currencies

def link_groups(doc: Doc, metrics: list[Metric], rows: list[dict], cues: Cues, *, check: bool = True) -> None:
    """Give one group_id to amounts that state the same figure in two currencies ("RMB 45.3
    billion, or US$6.6 billion") and write the exchange-rate check on both."""
    offset = int(meta(doc).get("offset") or 0)
    for k in range(len(metrics) - 1):
        a, b = metrics[k], metrics[k + 1]
        if not _equivalent(doc, a, b, cues):
            continue
        first, second = rows[k], rows[k + 1]
        group = first["group_id"] or f"g{a.start_char + offset}"
        first["group_id"] = second["group_id"] = group
        for column in ("subject", "measure", "period"):
            second[column] = first[column] or second[column]
        if check:
            result = check_equivalent(
                Amount(first["value"], a.unit, first["text"]), Amount(second["value"], b.unit, second["text"]),
                period=first["period"] or (meta(doc).get("date") or "")[:10] or None)
            first["check"] = second["check"] = result


def _equivalent(doc: Doc, a: Metric, b: Metric, cues: Cues) -> bool:
    if a.kind != "money" or b.kind != "money" or a.unit == b.unit or a.quantity.value is None or b.quantity.value is None:
        return False
    between = doc.char_span(a.end_char, b.start_char, alignment_mode="expand")
    if between is None:
        return True
    words = [t for t in between if not t.is_space]
    return len(words) <= 6 and all(t.lower_ in cues.equivalence_words for t in words)


# ---------------------------------------------------------------- rows

def metric_rows(doc: Doc) -> list[dict]:
    """Rows of the metrics table for one parsed doc."""
    doc_id = meta(doc).get("doc_id", "")
    sent_of = sentence_index(doc)
    rows = []
    for row in doc._.ct_metrics or []:
        row = dict(row)
        row["sentence_id"] = sent_of.get(row.pop("token"), 0)
        rows.append({"doc_id": doc_id, **row})
    return rows
