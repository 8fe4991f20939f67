"""Companies, products and people: gazetteer matching plus filtered statistical NER.

The component writes span groups (`ct_companies`, `ct_products`, `ct_people`) whose spans
carry the canonical name in `kb_id_`; the row functions below aggregate them per document.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import knowledge
from .common import meta

COMPANIES, PRODUCTS, PEOPLE = "ct_companies", "ct_products", "ct_people"

for _name in ("ct_makers", "ct_people_info"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

# Words that make an unknown ORG a business: a corporate suffix inside the name.
CORPORATE_SUFFIXES = {
    "inc", "inc.", "ltd", "ltd.", "corp", "corp.", "corporation", "co", "co.", "group", "holdings",
    "technologies", "technology", "tech", "capital", "ventures", "partners", "labs", "systems",
    "networks", "electronics", "semiconductor", "motors", "bank", "securities", "investments",
}
BUSINESS_NOUNS = {"company", "startup", "start-up", "firm", "giant", "platform", "maker", "vendor", "operator",
                  "provider", "unicorn", "conglomerate", "developer", "retailer", "manufacturer", "fund"}
BUSINESS_VERBS = {"raise", "launch", "acquire", "invest", "announce", "list", "sell", "buy", "partner",
                  "release", "unveil", "ship", "develop", "hire", "file", "merge", "fund", "back", "lead"}


@Language.factory(
    "chinatech_entities",
    assigns=["doc.spans"],
    default_config={"extra_companies": [], "extra_products": []},
)
def make_entities(nlp: Language, name: str, extra_companies: list[dict], extra_products: list[dict]) -> "Entities":
    return Entities(nlp, knowledge.companies(extra_companies), knowledge.products(extra_products))


class Entities:
    def __init__(self, nlp: Language, companies: Iterable[knowledge.Entry], products: Iterable[knowledge.Entry]):
        self.entries: dict[str, knowledge.Entry] = {}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        for entry in [*companies, *products]:
            key = f"{entry.kind}|{entry.name}"
            self.entries[key] = entry
            patterns = list(nlp.tokenizer.pipe(entry.forms))
            self.exact.add(key, patterns)
            # Common-word names (Apple, Line) only count in their own casing.
            if not entry.ambiguous:
                self.folded.add(key, [p for p, f in zip(patterns, entry.forms) if len(f) > 3])

    def __call__(self, doc: Doc) -> Doc:
        known = self._gazetteer_spans(doc)
        taken = {i for span in known for i in range(span.start, span.end)}
        extra = [s for s in doc.ents if not taken.intersection(range(s.start, s.end))]
        companies = [s for s in known if s.label_ != "product"] + [
            Span(doc, s.start, s.end, label="company", kb_id=s.text) for s in extra if is_company(s)
        ]
        products = [s for s in known if s.label_ == "product"]
        people = [Span(doc, s.start, s.end, label="person", kb_id=s.text) for s in extra if is_person(s)]
        doc.spans[COMPANIES] = sorted(companies)
        doc.spans[PRODUCTS] = sorted(products)
        doc.spans[PEOPLE] = sorted(people)
        doc._.ct_makers = {s.kb_id_: self.entries[f"product|{s.kb_id_}"].maker for s in products}
        return doc

    def _gazetteer_spans(self, doc: Doc) -> list[Span]:
        matches = set([*self.exact(doc), *self.folded(doc)])
        spans = []
        for key_id, start, end in matches:
            key = doc.vocab.strings[key_id]
            entry = self.entries[key]
            spans.append(Span(doc, start, end, label=entry.kind, kb_id=entry.name))
        return filter_spans(spans)


def is_company(span: Span) -> bool:
    """Keep an unknown ORG only where its own words or its context say it is a business."""
    if span.label_ != "ORG" or not span.text[:1].isupper():
        return False
    words = [t.lower_ for t in span]
    if words[-1] in CORPORATE_SUFFIXES and len(words) > 1:
        return True
    head = span.root.head
    if head.lemma_ in BUSINESS_VERBS and span.root.dep_ in ("nsubj", "nsubjpass"):
        return True
    before = span.doc[max(span.start - 2, 0):span.start]
    return any(t.lower_ in BUSINESS_NOUNS for t in before)


def is_person(span: Span) -> bool:
    """A PERSON entity of at least two capitalised words (single words are mostly NER noise)."""
    words = [t for t in span if not t.is_punct]
    return span.label_ == "PERSON" and len(words) >= 2 and all(t.text[:1].isupper() for t in words)


# -- rows --------------------------------------------------------------------------------

def _aggregate(spans: Iterable[Span]) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for span in spans:
        group = groups.setdefault(span.kb_id_, {"mentions": 0, "forms": {}, "first": span.start_char, "label": span.label_})
        group["mentions"] += 1
        group["forms"].setdefault(span.text, None)
    return groups


def company_rows(doc: Doc, entries: dict[str, knowledge.Entry] | None = None) -> list[dict]:
    """One row per canonical company in the document."""
    doc_id = meta(doc).get("doc_id", "")
    lookup = {e.name: e for e in knowledge.companies()}
    rows = []
    for name, group in _aggregate(doc.spans[COMPANIES]).items():
        entry = lookup.get(name)
        rows.append({
            "doc_id": doc_id, "company": name, "mentions": group["mentions"],
            "aliases": ";".join(group["forms"]), "country": entry.country if entry else "",
            "first_char": group["first"], "role": "source" if group["label"] == "publisher" else "subject",
            "sector": entry.sector if entry else "",
        })
    return rows


def product_rows(doc: Doc) -> list[dict]:
    """One row per canonical product in the document, with its maker."""
    doc_id = meta(doc).get("doc_id", "")
    makers = doc._.ct_makers or {}
    return [
        {"doc_id": doc_id, "product": name, "maker": makers.get(name) or "", "mentions": group["mentions"],
         "aliases": ";".join(group["forms"]), "first_char": group["first"]}
        for name, group in _aggregate(doc.spans[PRODUCTS]).items()
    ]


def people_rows(doc: Doc) -> list[dict]:
    """One row per person, the byline's author included."""
    info = doc._.ct_people_info or {}
    data = meta(doc)
    doc_id = data.get("doc_id", "")
    groups = _aggregate(doc.spans[PEOPLE])
    rows = [
        {"doc_id": doc_id, "person": name, "role": info.get(name, {}).get("role", ""),
         "organization": info.get(name, {}).get("organization", ""), "mentions": group["mentions"],
         "first_char": group["first"]}
        for name, group in groups.items()
    ]
    author = data.get("author") or ""
    if author and author not in groups:
        rows.append({"doc_id": doc_id, "person": author, "role": "author", "organization": "", "mentions": 1, "first_char": -1})
    return rows
