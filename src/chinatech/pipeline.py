"""Build the spaCy Language from settings and run articles through it.

One place decides which components run and in which order; the components themselves
live in chinatech.components, one module per extractor.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .cache import ParseCache
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


_SHARED: dict[str, Language] = {}
_SHARED_LIMIT = 2


def shared_nlp(settings: Settings) -> Language:
    """The pipeline for these settings, built once per process and then reused.

    Scripts that call extract() many times pay for the model once, and worker processes
    forked after the parent built it inherit it instead of loading their own. Only the
    settings that shape the pipeline are in the key (not batch size or n_process).
    """
    key = repr((settings.model, settings.companies, settings.products, settings.trends))
    if key not in _SHARED:
        while len(_SHARED) >= _SHARED_LIMIT:  # a few pipelines at most: each holds a model
            _SHARED.pop(next(iter(_SHARED)))
        _SHARED[key] = build_nlp(settings)
    return _SHARED[key]


# Long texts are parsed in pieces: spaCy refuses texts over nlp.max_length, and the parser's
# memory grows with a doc's length, so pieces of this size keep memory flat.
CHUNK_CHARS = 100_000


def make_doc(nlp: Language, article: Article, *, offset: int = 0, text: str | None = None) -> Doc:
    """Tokenise the article's body (boilerplate blanked, offsets kept) and attach its metadata.

    For a piece of a long article, `text` is the piece and `offset` where it starts.
    """
    doc = nlp.make_doc(article.nlp_text if text is None else text)
    doc._.ct_meta = {"doc_id": article.doc_id, "title": article.title, "author": article.author,
                     "date": article.date, "offset": offset}
    return doc


def chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """Split text into (start, end) pieces of at most `limit` chars, at paragraph breaks when possible."""
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut <= 0:
            cut = max(window.rfind(". "), window.rfind(" "))
        cut = cut + 1 if cut > 0 else limit
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, len(text)))
    return pieces


@dataclass(frozen=True)
class Piece:
    """One doc's worth of an article: the whole body, or one piece of a long one."""

    article: Article
    number: int
    total: int
    offset: int
    text: str
    key: str = ""
    cached: bool = False

    @property
    def meta(self) -> dict:
        a = self.article
        return {"doc_id": a.doc_id, "title": a.title, "author": a.author, "date": a.date, "offset": self.offset}


def _pieces(articles: Iterable[Article], cache: ParseCache | None) -> Iterator[Piece]:
    # CHUNK_CHARS is far below spaCy's default max_length, so pieces never need the model.
    limit = CHUNK_CHARS
    for article in articles:
        text = article.nlp_text
        spans = [(0, len(text))] if len(text) <= limit else chunks(text, limit)
        for number, (start, end) in enumerate(spans):
            piece = Piece(article, number, len(spans), start, text[start:end])
            if cache is not None:
                key = cache.key(piece.text, piece.meta)
                piece = replace(piece, key=key, cached=cache.has(key))
            yield piece


def _make(nlp: Language, piece: Piece) -> Doc:
    return make_doc(nlp, piece.article, offset=piece.offset, text=piece.text)


def process(
    nlp: Language | Callable[[], Language],
    articles: Iterable[Article],
    *,
    batch_size: int = 16,
    n_process: int = 1,
    cache: ParseCache | None = None,
) -> Iterator[tuple[Article, list[Doc]]]:
    """Stream (article, parsed docs) in input order: one doc per article, or its pieces in
    order when it is longer than CHUNK_CHARS. Cached docs are loaded instead of parsed.

    `nlp` may be a function that builds the pipeline: it is called only when some piece
    is not cached, so a fully cached run skips loading the model.
    """
    get_nlp = nlp if callable(nlp) and not isinstance(nlp, Language) else (lambda: nlp)
    feed, order = itertools.tee(_pieces(articles, cache))
    parsed = None
    docs: list[Doc] = []
    for piece in order:
        if piece.cached:
            doc = _cached_doc(get_nlp, piece, cache)
        else:
            if parsed is None:
                model = get_nlp()
                to_parse = ((_make(model, p), p) for p in feed if not p.cached)
                parsed = model.pipe(to_parse, as_tuples=True, batch_size=batch_size, n_process=n_process)
            doc = next(parsed)[0]
            if cache is not None:
                cache.save(piece.key, doc)
        docs.append(doc)
        if piece.number == piece.total - 1:
            yield piece.article, docs
            docs = []


def _cached_doc(get_nlp: Callable[[], Language], piece: Piece, cache: ParseCache) -> Doc:
    doc = cache.load(piece.key)
    if doc is None:  # unreadable entry: parse again and replace it
        model = get_nlp()
        doc = model(_make(model, piece))
        cache.save(piece.key, doc)
    return doc
