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
        lemmatize = "lemmatizer" in nlp.pipe_names
        for entry in self.entries.values():
            acronyms = [f for f in entry.forms if is_acronym(f)]
            words = [f for f in entry.forms if not is_acronym(f)]
            self.exact.add(entry.name, [nlp.make_doc(f) for f in acronyms])
            self.lower.add(entry.name, [nlp.make_doc(f.lower()) for f in words])
            if lemmatize:
                self.lemma.add(entry.name, list(_lemmatized(nlp, words)))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.exact, self.lower, self.lemma):
            for key, start, end in matcher(doc):
                name = doc.vocab.strings[key]
                spans.append(Span(doc, start, end, label="trend", kb_id=name))
        doc.spans[TRENDS] = sorted(filter_spans(spans))
        return doc


def _lemmatized(nlp: Language, forms: list[str]):
    """Run patterns through the tagger and lemmatizer only, so "super apps" meets "super app"."""
    wanted = {"tok2vec", "tagger", "attribute_ruler", "lemmatizer"}
    with nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in wanted]):
        yield from nlp.pipe(f.lower() for f in forms)


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
