"""Claims: check-worthy sentences with who asserts them."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .common import meta, sentence_index, sentences, trim

if not Doc.has_extension("ct_claims"):
    Doc.set_extension("ct_claims", default=None)

REPORTING_VERBS = {"say", "tell", "state", "add", "note", "find", "report", "claim", "predict", "argue", "point", "write"}
HEDGES = {"may", "might", "could", "likely", "unlikely", "seem", "appear", "expect", "possibly", "perhaps", "probably"}


@Language.factory("chinatech_claims", assigns=["doc._.ct_claims"])
def make_claims(nlp: Language, name: str) -> "Claims":
    return Claims()


class Claims:
    def __call__(self, doc: Doc) -> Doc:
        doc._.ct_claims = [c for c in (_claim(s) for s in sentences(doc)) if c]
        return doc


def _claim(sent: Span) -> dict | None:
    span = trim(sent)
    text = span.text
    if len(span) < 6 or text.endswith("?") or not re.search(r"[.!”\"]$", text):
        return None
    root = span.root
    ents = [e for e in span.ents if e.label_ in {"ORG", "PERSON", "GPE", "MONEY", "PERCENT", "CARDINAL", "PRODUCT"}]
    if not ents:
        return None
    attributed = _attribution(span)
    return {
        "start_char": span.start_char, "end_char": span.end_char, "text": text, "token": span.start,
        "subject": _subject(span), "predicate": root.lemma_, "object": "",
        "claim_type": "quote" if "“" in text or '"' in text else "statistic" if any(e.label_ in {"MONEY", "PERCENT", "CARDINAL"} for e in ents) else "assessment",
        "attributed_to": attributed, "source_type": "person" if attributed else "author",
        "hedged": any(t.lemma_.lower() in HEDGES for t in span), "negated": any(t.dep_ == "neg" for t in span),
        "score": float(len(ents)),
    }


def _subject(span: Span) -> str:
    for token in span:
        if token.dep_ in ("nsubj", "nsubjpass") and token.head == span.root:
            return span.doc[token.left_edge.i:token.i + 1].text
    return ""


def _attribution(span: Span) -> str:
    for token in span:
        if token.lemma_ in REPORTING_VERBS:
            for child in token.children:
                if child.dep_ == "nsubj" and child.ent_type_ in ("PERSON", "ORG"):
                    return span.doc[child.left_edge.i:child.i + 1].text
    return ""


def claim_rows(doc: Doc) -> list[dict]:
    doc_id = meta(doc).get("doc_id", "")
    sent_of = sentence_index(doc)
    rows = []
    for row in doc._.ct_claims or []:
        row = dict(row)
        row["sentence_id"] = sent_of.get(row.pop("token"), 0)
        rows.append({"doc_id": doc_id, **row})
    return rows
