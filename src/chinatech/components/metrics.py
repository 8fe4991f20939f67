"""Metrics: every quantitative fact as one normalised row (value, unit, range, qualifier, sign)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .common import meta, sentence_index, trim
from .quantities import Quantity, parse_quantity

METRICS = "ct_metrics"
NUMERIC_LABELS = {"MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"}

if not Doc.has_extension("ct_metrics"):
    Doc.set_extension("ct_metrics", default=None)


@Language.factory("chinatech_metrics", assigns=["doc._.ct_metrics"])
def make_metrics(nlp: Language, name: str) -> "Metrics":
    return Metrics()


class Metrics:
    def __call__(self, doc: Doc) -> Doc:
        rows = []
        for ent in doc.ents:
            if ent.label_ not in NUMERIC_LABELS:
                continue
            span = trim(ent)
            if not len(span):
                continue
            quantity = parse_quantity(span.text)
            if quantity is None or _is_year(span, quantity):
                continue
            rows.append(_row(span, quantity))
        doc._.ct_metrics = rows
        return doc


def _is_year(span: Span, quantity: Quantity) -> bool:
    value = quantity.value
    return quantity.unit is None and value is not None and value.is_integer() and 1900 <= value <= 2100 and len(span) == 1


def _row(span: Span, quantity: Quantity) -> dict:
    return {
        "start_char": span.start_char, "end_char": span.end_char, "text": span.text,
        "value": quantity.value, "value_min": quantity.value_min, "value_max": quantity.value_max,
        "unit": quantity.unit or "", "qualifier": quantity.qualifier or "",
        "subject": "", "measure": "", "period": "", "group_id": "", "check": "", "token": span.start,
    }


def metric_rows(doc: Doc) -> list[dict]:
    doc_id = meta(doc).get("doc_id", "")
    sent_of = sentence_index(doc)
    rows = []
    for row in doc._.ct_metrics or []:
        row = dict(row)
        row["sentence_id"] = sent_of.get(row.pop("token"), 0)
        rows.append({"doc_id": doc_id, **row})
    return rows
