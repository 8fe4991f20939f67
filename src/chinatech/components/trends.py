"""Trends: the taxonomy matched with PhraseMatcher on lower-cased tokens and lemmas."""

from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import knowledge
from .common import meta, sentence_index

TRENDS = "ct_trends"


@Language.factory("chinatech_trends", assigns=["doc.spans"], default_config={"extra_trends": []})
def make_trends(nlp: Language, name: str, extra_trends: list[dict]) -> "Trends":
    return Trends(nlp, knowledge.trends(extra_trends))


def is_acronym(form: str) -> bool:
    """AI, IoT, 5G, O2O: forms with capitals past the first letter, or digits, match case-sensitively."""
    return any(c.isupper() for c in form[1:]) or (any(c.isdigit() for c in form) and form.upper() == form)


class Trends:
    def __init__(self, nlp: Language, entries: Iterable[knowledge.Entry]):
        self.entries = {e.name: e for e in entries}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        words: list[tuple[str, str]] = []
        for entry in self.entries.values():
            self.exact.add(entry.name, [nlp.make_doc(f) for f in entry.forms if is_acronym(f)])
            words += [(entry.name, f.lower()) for f in entry.forms if not is_acronym(f)]
        for (name, _), pattern in zip(words, nlp.tokenizer.pipe(f for _, f in words)):
            self.lower.add(name, [pattern])
        for (name, _), pattern in zip(words, nlp.tokenizer.pipe(f for _, f in words)):
            self.lemma.add(name, [_as_lemmas(pattern)])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.exact, self.lower, self.lemma):
            for key, start, end in matcher(doc):
                name = doc.vocab.strings[key]
                spans.append(Span(doc, start, end, label="trend", kb_id=name))
        doc.spans[TRENDS] = sorted(filter_spans(spans))
        return doc


def _as_lemmas(pattern: Doc) -> Doc:
    """Taxonomy forms are written in base form, so each token's lower case is its lemma.

    Setting lemmas by hand instead of running the tagger over thousands of forms keeps start-up
    fast; the text side is lemmatised by the pipeline, so "super apps" meets "super app".
    """
    for token in pattern:
        token.lemma_ = token.lower_
    return pattern


def trend_rows(doc: Doc) -> list[dict]:
    """One row per trend in the document with its mentions and the terms that named it."""
    doc_id = meta(doc).get("doc_id", "")
    sent_of = sentence_index(doc)
    lookup = {e.name: e for e in knowledge.trends()}
    groups: dict[str, dict] = {}
    for span in doc.spans[TRENDS]:
        group = groups.setdefault(span.kb_id_, {"mentions": 0, "terms": {}, "first": sent_of.get(span.start, 0)})
        group["mentions"] += 1
        group["terms"].setdefault(span.text.lower() if not is_acronym(span.text) else span.text, None)
    return [
        {"doc_id": doc_id, "trend": name, "mentions": g["mentions"], "terms": ";".join(g["terms"]),
         "category": lookup[name].category if name in lookup else "", "source": "taxonomy",
         "first_sentence_id": g["first"], "score": None}
        for name, g in groups.items()
    ]
