"""Trends: the taxonomy matched with PhraseMatcher, folded for case, number and hyphens.

Two matchers run over every doc:

- a key matcher over a folded view of the doc, where each word is lower-cased and made
  singular and hyphens inside compounds are dropped, so "Super-apps", "super apps" and
  "super app" all meet one pattern. Words written with inner capitals or digits (AI, IoT, 5G,
  LLMs) must keep their casing too, so "ai" or "Ai" never count as AI;
- a lemma matcher over the doc itself, so base-form phrases meet inflected verbs
  ("go global" finds "went global"); single words list their verb forms instead.

Each taxonomy entry may list `weak` forms: common words that name the trend only when the
article says more about it ("advertising", "patents"). A trend found only through weak forms
needs two different ones before it makes a row, and none at all when a `narrower` trend the
entry lists is reported: "carmakers" and "the auto market" are the setting of an article about
electric vehicles, not a second subject.

A hyphenated compound with a function word in it ("over-the-top", "take-out", "free-to-play")
is an idiom when written open ("took over the top spot"), so such forms match hyphenated only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import knowledge
from .common import meta, sentence_index
from .entities import COMPANIES, PRODUCTS

TRENDS = "ct_trends"
STRONG, WEAK = "trend", "weak"
# A weak form is half the evidence of a strong one: two different weak forms make a row.
WEIGHTS = {STRONG: 1.0, WEAK: 0.5}
MIN_EVIDENCE = 1.0
HYPHENS = {"-", "‐", "‑"}
DIGIT = re.compile(r"\d")
# Closed-class words: inside a hyphenated compound they make it a set phrase whose open
# spelling is usually an everyday idiom ("over the top", "take out", "spin off").
FUNCTION_WORDS = frozenset(
    "a an the to of in on off out up down over per from for and or as by at with into".split())


@Language.factory("chinatech_trends", assigns=["doc.spans"], default_config={"extra_trends": []})
def make_trends(nlp: Language, name: str, extra_trends: list[dict]) -> "Trends":
    entries = knowledge.trends(extra_trends)
    return Trends(nlp, entries, weak=weak_forms(extra_trends), narrower=narrower_trends(extra_trends))


# -- folding: pure functions on words -----------------------------------------------------

def is_cased(word: str) -> bool:
    """AI, IoT, 5G, O2O: words with capitals past the first letter, or digits, keep their casing."""
    rest = word[1:]
    return rest != rest.lower() or (word.upper() == word and not word.isalpha() and DIGIT.search(word) is not None)


def is_acronym(form: str) -> bool:
    """Whether any word of a taxonomy form must match case-sensitively."""
    return any(is_cased(word) for word in form.replace("-", " ").split())


def singular(word: str) -> str:
    """A lower-case word's singular by the regular English rules.

    Crude on purpose: the same function folds the patterns and the text, so it only has to
    send a word's singular and plural to one key, not to produce real English.
    """
    if len(word) < 4 or not word.isalpha() or word.endswith(("ss", "us", "is", "ics", "ws")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def cased_singular(word: str) -> str:
    """An acronym's singular with its casing kept: LLMs -> LLM, EVs -> EV; other words as they are."""
    if len(word) > 2 and word.endswith("s") and is_cased(word[:-1]) and not word[:-1].islower():
        return word[:-1]
    return word


def fold(word: str) -> str:
    """The key a word matches on: lower case, singular."""
    stem = cased_singular(word)
    return stem.lower() if stem != word else singular(word.lower())


def casing(word: str) -> str | None:
    """What a pattern word demands of the text's casing: its cased singular, or None for any."""
    return cased_singular(word) if is_cased(word) else None


def glued_hyphen(words: list[str], spaces: list[bool], i: int) -> bool:
    """A hyphen inside a compound ("super-app"), not a dash between clauses."""
    return words[i] in HYPHENS and 0 < i < len(words) - 1 and not spaces[i - 1] and not spaces[i]


def bare(word: str) -> str:
    """A word without a sentence's full stop: the tokenizer leaves "IoT." whole at a sentence end.

    Abbreviations with inner stops ("U.S.", "A.I.") keep theirs.
    """
    return word[:-1] if len(word) > 1 and word.endswith(".") and "." not in word[:-1] else word


def folded_view(words: list[str], spaces: list[bool]) -> tuple[list[str], list[int]]:
    """Keys for the words that count, and the index in `words` of each."""
    kept = [i for i in range(len(words)) if not glued_hyphen(words, spaces, i)]
    return [fold(bare(words[i])) for i in kept], kept


# -- the taxonomy as patterns -------------------------------------------------------------

@dataclass(frozen=True)
class Form:
    """One written form of a trend, folded."""

    trend: str
    keys: tuple[str, ...]
    cased: tuple[str | None, ...]
    weak: bool
    hyphenated: tuple[int, ...] = ()

    def fits(self, words: Iterable[str], joins: tuple[bool, ...] = ()) -> bool:
        """Whether the text's words honour this form's case-sensitive words and strict hyphens."""
        if any(not (j < len(joins) and joins[j]) for j in self.hyphenated):
            return False
        return all(c is None or cased_singular(w) == c for c, w in zip(self.cased, words))


def strict_joins(words: list[str], kept: list[int]) -> tuple[int, ...]:
    """Positions j whose keys j and j+1 must be hyphen-joined in the text too.

    Only compounds holding a function word are strict: "super-app" still meets "super app",
    but "over-the-top" does not meet "over the top".
    """
    joins = hyphen_joins(kept)
    strict: list[int] = []
    j = 0
    while j < len(kept):
        end = j
        while end < len(joins) and joins[end]:
            end += 1
        if end > j and any(words[kept[k]].lower() in FUNCTION_WORDS for k in range(j, end + 1)):
            strict += range(j, end)
        j = end + 1
    return tuple(strict)


def hyphen_joins(kept: list[int]) -> tuple[bool, ...]:
    """For each pair of neighbouring kept words, whether a hyphen was dropped between them."""
    return tuple(kept[j + 1] - kept[j] > 1 for j in range(len(kept) - 1))


def weak_forms(extra: Iterable[dict] = ()) -> dict[str, frozenset[str]]:
    """Each trend's weak forms, shipped plus `extra` (a user's entry replaces the shipped one)."""
    frozen = tuple((str(e["name"]), tuple(e.get("weak") or ())) for e in extra)
    return dict(_weak_forms(frozen))


@lru_cache(maxsize=8)
def _weak_forms(extra: tuple[tuple[str, tuple], ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    # knowledge.Entry has no field for weak forms, so they are read from the data file here;
    # knowledge.trends() keys entries by lower-cased name, and so does this table.
    items = knowledge.read_data("trends.yaml").get("trends", [])
    shipped = [(str(i["name"]), tuple(i.get("weak") or ())) for i in items]
    table = {name.strip().lower(): (name.strip(), forms) for name, forms in [*shipped, *extra]}
    return tuple((name, frozenset(str(f).strip() for f in forms)) for name, forms in table.values())


def narrower_trends(extra: Iterable[dict] = ()) -> dict[str, tuple[str, ...]]:
    """Each trend's listed narrower trends, shipped plus `extra` (a user's entry replaces the shipped one)."""
    frozen = tuple((str(e["name"]), tuple(e.get("narrower") or ())) for e in extra)
    return dict(_narrower(frozen))


@lru_cache(maxsize=8)
def _narrower(extra: tuple[tuple[str, tuple], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    items = knowledge.read_data("trends.yaml").get("trends", [])
    shipped = [(str(i["name"]), tuple(i.get("narrower") or ())) for i in items]
    table = {name.strip().lower(): (name.strip(), forms) for name, forms in [*shipped, *extra]}
    return tuple((name, tuple(str(f).strip() for f in forms)) for name, forms in table.values() if forms)


def tokenise(nlp: Language, texts: list[str]) -> list[list[tuple[str, bool]]]:
    """Each text's (word, followed-by-space) pairs, split exactly as the tokenizer splits the text.

    The tokenizer splits at whitespace before anything else, so a chunk of letters only
    that is no special case is one token as it stands; only the other chunks (hyphens,
    dots, apostrophes) go through the tokenizer, in one call, a line each.
    """
    rules = nlp.tokenizer.rules or {}
    chunks = [text.split() for text in texts]
    odd = sorted({c for cs in chunks for c in cs if not c.isalpha() or c in rules})
    split = dict(zip(odd, _split_lines(nlp, odd)))
    result = []
    for cs in chunks:
        pairs: list[tuple[str, bool]] = []
        for chunk in cs:
            words = split.get(chunk) or [(chunk, False)]
            pairs += [*words[:-1], (words[-1][0], True)]
        result.append([*pairs[:-1], (pairs[-1][0], False)] if pairs else [])
    return result


def _split_lines(nlp: Language, lines: list[str]) -> list[list[tuple[str, bool]]]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    result: list[list[tuple[str, bool]]] = [[] for _ in lines]
    number = 0
    for token in nlp.make_doc("\n".join(lines)):
        while number + 1 < len(starts) and token.idx >= starts[number + 1]:
            number += 1
        if not token.is_space:
            result[number].append((token.text, bool(token.whitespace_)))
    return result


def taxonomy_forms(
    nlp: Language, entries: Iterable[knowledge.Entry], weak: dict[str, frozenset[str]]
) -> list[tuple[Form, list[str]]]:
    """Every form of every entry with its folded keys and its words as the tokenizer splits them."""
    listed = {}
    for entry in entries:
        weak_here = weak.get(entry.name, frozenset())
        for form in (*entry.forms, *weak_here):
            listed[(entry.name, " ".join(form.split()))] = form in weak_here
    tokenised = tokenise(nlp, [form for _, form in listed])
    forms = []
    for ((name, _), is_weak), pairs in zip(listed.items(), tokenised):
        words, spaces = [w for w, _ in pairs], [s for _, s in pairs]
        keys, kept = folded_view(words, spaces)
        if keys:
            strict = strict_joins(words, kept)
            forms.append((Form(name, tuple(keys), tuple(casing(words[i]) for i in kept), is_weak, strict), words))
    return forms


class Trends:
    """Find taxonomy trends in a doc; writes doc.spans["ct_trends"], label "trend" or "weak"."""

    def __init__(
        self, nlp: Language, entries: Iterable[knowledge.Entry], *, weak: dict[str, frozenset[str]] | None = None,
        narrower: dict[str, tuple[str, ...]] | None = None,
    ):
        entries = list(entries)
        self.categories = {e.name: e.category for e in entries}
        self.narrower = {name: list(found) for name, found in (narrower or {}).items()}
        self.vocab = nlp.vocab
        self.keys = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lemmas = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.forms: dict[tuple[str, tuple[str, ...]], list[Form]] = {}
        self.lemma_weak: dict[tuple[str, tuple[str, ...]], bool] = {}
        for form, words in taxonomy_forms(nlp, entries, weak or {}):
            self._add(form, words)

    def _add(self, form: Form, words: list[str]) -> None:
        # PhraseMatcher takes a pattern as a sequence of attribute hashes as well as a Doc (its own
        # unpickling does so); building thousands of pattern Docs would cost most of start-up.
        hashes = self.vocab.strings.add
        seen = self.forms.setdefault((form.trend, form.keys), [])
        if not seen:
            self.keys.add(form.trend, [tuple(hashes(k) for k in form.keys)])
        seen.append(form)
        # The lemma matcher adds verb inflections ("live-streamed", "went global"). Only phrases
        # go to it: a single noun that is also a verb ("chip", "cloud") would otherwise fire on
        # "chipped in" or "clouded". Nor forms with case-sensitive words: the lemmatiser
        # lower-cases some acronyms and not others, so casing is checked on the key matcher.
        if any(form.cased) or len(form.keys) < 2:
            return
        # Taxonomy forms are written in base form, so a word's lower case is its lemma; taking
        # it so instead of running the tagger over the forms keeps start-up fast.
        lemmas = tuple(w.lower() for w in words)
        if (form.trend, lemmas) not in self.lemma_weak:
            self.lemmas.add(form.trend, [tuple(hashes(w) for w in lemmas)])
        self.lemma_weak[(form.trend, lemmas)] = self.lemma_weak.get((form.trend, lemmas), True) and form.weak

    def __call__(self, doc: Doc) -> Doc:
        names = _name_tokens(doc)
        # "Horizon Robotics" names a company, it does not discuss robotics.
        spans = [s for s in (*self._key_spans(doc), *self._lemma_spans(doc))
                 if not names.issuperset(range(s.start, s.end))]
        # Strong before weak, so of two equal spans filter_spans keeps the strong one.
        spans.sort(key=lambda s: s.label_ != STRONG)
        group = sorted(filter_spans(spans))
        doc.spans[TRENDS] = group
        doc.spans[TRENDS].attrs["categories"] = {s.kb_id_: self.categories.get(s.kb_id_, "") for s in group}
        doc.spans[TRENDS].attrs["narrower"] = {
            s.kb_id_: self.narrower[s.kb_id_] for s in group if s.kb_id_ in self.narrower}
        return doc

    def _key_spans(self, doc: Doc) -> Iterator[Span]:
        words, spaces = [t.text for t in doc], [bool(t.whitespace_) for t in doc]
        keys, kept = folded_view(words, spaces)
        view = Doc(self.vocab, words=keys)
        for match_id, start, end in self.keys(view):
            trend = self.vocab.strings[match_id]
            text_words = [bare(words[i]) for i in kept[start:end]]
            joins = hyphen_joins(kept[start:end])
            fitting = [f for f in self.forms[(trend, tuple(keys[start:end]))] if f.fits(text_words, joins)]
            if fitting:
                label = WEAK if all(f.weak for f in fitting) else STRONG
                yield Span(doc, kept[start], kept[end - 1] + 1, label=label, kb_id=trend)

    def _lemma_spans(self, doc: Doc) -> Iterator[Span]:
        for match_id, start, end in self.lemmas(doc):
            trend = self.vocab.strings[match_id]
            weak = self.lemma_weak.get((trend, tuple(t.lemma_ for t in doc[start:end])), False)
            yield Span(doc, start, end, label=WEAK if weak else STRONG, kb_id=trend)


def _name_tokens(doc: Doc) -> set[int]:
    """Tokens inside the names of companies and products the entities component found (it runs first)."""
    return {i for key in (COMPANIES, PRODUCTS) if key in doc.spans for span in doc.spans[key] for i in range(span.start, span.end)}


# -- rows --------------------------------------------------------------------------------

def evidence(mentions: Iterable[tuple[str, str]]) -> float:
    """How strongly (label, folded form) mentions say the article discusses the trend.

    A strong mention counts 1 each time. A weak form counts 0.5 once however often it recurs:
    an article that keeps calling its companies "tech giants" is not thereby about the platform
    economy, but two different weak forms of one trend back each other up.
    """
    mentions = list(mentions)
    strong = sum(1 for label, _ in mentions if label != WEAK)
    weak = {key for label, key in mentions if label == WEAK}
    return strong + WEIGHTS[WEAK] * len(weak)


def salience(weight: float) -> float:
    """Evidence mapped into 0..1: one strong mention is 0.5, each more halves the distance to 1."""
    return round(1 - 0.5 ** weight, 3)


def term(span: Span) -> str:
    """The surface form as listed in `terms`: acronyms keep their case, other words are lower-cased."""
    text = bare(span.text)
    return text if is_acronym(text) else text.lower()


def span_key(span: Span) -> str:
    """The folded form of a span: its plural and its hyphenated spelling give the same key."""
    keys, _ = folded_view([t.text for t in span], [bool(t.whitespace_) for t in span])
    return " ".join(keys)


def trend_groups(doc: Doc) -> dict[str, dict]:
    """Per trend: its mentions as (label, folded form), their sentence numbers and terms, in text
    order, and the narrower trends its taxonomy entry lists."""
    sent_of = sentence_index(doc)
    narrower = doc.spans[TRENDS].attrs.get("narrower", {}) if TRENDS in doc.spans else {}
    groups: dict[str, dict] = {}
    for span in doc.spans[TRENDS] if TRENDS in doc.spans else []:
        group = groups.setdefault(span.kb_id_, {"mentions": [], "sentences": [], "terms": {},
                                                "narrower": list(narrower.get(span.kb_id_, ()))})
        group["mentions"].append((span.label_, span_key(span)))
        group["sentences"].append(sent_of.get(span.start, 0))
        group["terms"].setdefault(term(span), None)
    return groups


def reported(groups: dict[str, dict]) -> dict[str, dict]:
    """The groups with enough evidence to make a row.

    A trend named only by weak forms is dropped when one of its narrower trends (a group's
    optional "narrower" list) is reported: its everyday words are then that trend's setting.
    """
    enough = {name: g for name, g in groups.items() if evidence(g["mentions"]) >= MIN_EVIDENCE}
    return {name: g for name, g in enough.items()
            if not (all(label == WEAK for label, _ in g["mentions"])
                    and any(n in enough for n in g.get("narrower", ())))}


def trend_sentences(doc: Doc) -> dict[str, list[int]]:
    """The sentence numbers each reported trend is mentioned in, for corpus-level co-occurrence."""
    return {name: sorted(set(g["sentences"])) for name, g in reported(trend_groups(doc)).items()}


def trend_rows(doc: Doc) -> list[dict]:
    """One row per trend the document discusses, with its mentions and the terms that named it."""
    doc_id = meta(doc).get("doc_id", "")
    categories = doc.spans[TRENDS].attrs.get("categories", {}) if TRENDS in doc.spans else {}
    return [
        {"doc_id": doc_id, "trend": name, "mentions": len(g["mentions"]), "terms": ";".join(g["terms"]),
         "category": categories.get(name, ""), "source": "taxonomy",
         "first_sentence_id": min(g["sentences"]), "score": salience(evidence(g["mentions"]))}
        for name, g in reported(trend_groups(doc)).items()
    ]
