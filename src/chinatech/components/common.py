"""Doc helpers shared by the extractors: sentence numbering, article metadata, row offsets."""

from __future__ import annotations

from spacy.tokens import Doc, Span

# Article metadata (doc_id, title, author, date) travels with the Doc so that components
# can resolve "this week" against the article's date without another argument.
if not Doc.has_extension("ct_meta"):
    Doc.set_extension("ct_meta", default=None)


def meta(doc: Doc) -> dict:
    return doc._.ct_meta or {}


def sentences(doc: Doc) -> list[Span]:
    """Sentences that hold text (blanked boilerplate makes whitespace-only ones)."""
    return [s for s in doc.sents if s.text.strip()]


def sentence_index(doc: Doc) -> dict[int, int]:
    """Map a token index to the number of its sentence among `sentences(doc)`."""
    index: dict[int, int] = {}
    for number, sent in enumerate(sentences(doc)):
        for i in range(sent.start, sent.end):
            index[i] = number
    return index


def trim(span: Span) -> Span:
    """Drop leading and trailing whitespace/punctuation tokens so offsets hug the words."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].is_punct and doc[start].text not in "$€£¥“\""):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct and doc[end - 1].text not in "%”\""):
        end -= 1
    return doc[start:end]
