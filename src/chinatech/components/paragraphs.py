"""Sentence boundaries at line breaks: a heading, bullet or paragraph never runs into the next."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("chinatech_paragraphs", requires=["token.text"], assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> "Paragraphs":
    return Paragraphs()


class Paragraphs:
    """Run before the parser: it keeps boundaries set earlier, so lines stay apart."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if previous.is_space and "\n" in previous.text and not token.is_space:
                token.is_sent_start = True
        return doc
