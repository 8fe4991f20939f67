"""Build the spaCy Language from settings and run articles through it.

One place decides which components run and in which order; the components themselves
live in chinatech.components, one module per extractor.
"""

from __future__ import annotations

from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .config import Settings
from .corpus import Article
from .errors import ModelNotFound, model_install_hint

# Importing the modules registers their factories (the entry points do the same for
# users who call nlp.add_pipe("chinatech_metrics") without importing chinatech).
from .components import claims, entities, metrics, paragraphs, trends  # noqa: F401

COMPONENTS = ("chinatech_entities", "chinatech_trends", "chinatech_metrics", "chinatech_claims")


def load_model(name: str) -> Language:
    """Load an installed spaCy pipeline by name, or fail with the command that installs it."""
    try:
        return spacy.load(name)
    except OSError as exc:
        if "E050" in str(exc) or "E053" in str(exc) or "Can't find model" in str(exc):
            raise ModelNotFound(
                f"spaCy model '{name}' is not installed; install it with: {model_install_hint(name)}"
            ) from None
        raise


def build_nlp(settings: Settings) -> Language:
    """The model named in settings plus chinatech's components."""
    nlp = load_model(settings.model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("chinatech_paragraphs", before="parser")
    elif "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("chinatech_entities", config={
        "extra_companies": [dict(e) for e in settings.companies],
        "extra_products": [dict(e) for e in settings.products],
    })
    nlp.add_pipe("chinatech_trends", config={"extra_trends": [dict(e) for e in settings.trends]})
    nlp.add_pipe("chinatech_metrics")
    nlp.add_pipe("chinatech_claims")
    return nlp


def make_doc(nlp: Language, article: Article) -> Doc:
    """Tokenise the article's body (boilerplate blanked, offsets kept) and attach its metadata."""
    doc = nlp.make_doc(article.nlp_text)
    doc._.ct_meta = {"doc_id": article.doc_id, "title": article.title, "author": article.author, "date": article.date}
    return doc


def process(
    nlp: Language, articles: Iterable[Article], *, batch_size: int = 16, n_process: int = 1
) -> Iterator[tuple[Article, Doc]]:
    """Stream (article, parsed doc) pairs through nlp.pipe, in input order."""
    pairs = ((make_doc(nlp, a), a) for a in articles)
    yield from ((article, doc) for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process))
