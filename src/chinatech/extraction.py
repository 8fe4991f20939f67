"""The extraction run: articles -> spaCy -> one DataFrame per table.

`extract()` is what the CLI's `extract` command calls, and what scripts and notebooks call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd
from spacy.tokens import Doc

from .config import Settings, load_settings
from .corpus import Article, load_articles
from .tables import SCHEMAS, TABLES, to_frame

Warn = Callable[[str], None]


@dataclass
class Tables:
    """One DataFrame per table, in the declared schema; `tables.metrics` etc."""

    frames: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["frames"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def items(self):
        return self.frames.items()

    def to_dir(self, path: str | Path, *, format: str = "csv", safe_csv: bool = False) -> list[Path]:
        """Write every table to `path/<table>.<ext>`; returns the files written."""
        from .output import write_tables

        return write_tables(self.frames, Path(path), format=format, safe_csv=safe_csv)


def document_row(article: Article, doc: Doc) -> dict:
    from .components.common import sentences

    return {
        "doc_id": article.doc_id, "title": article.title, "author": article.author, "date": article.date,
        "words": sum(1 for t in doc if not (t.is_space or t.is_punct)), "sentences": len(sentences(doc)),
        "boilerplate_lines": article.boilerplate_lines, "source": article.source,
    }


def doc_rows(article: Article, doc: Doc) -> dict[str, list[dict]]:
    """Every table's rows for one parsed article."""
    from .components import claims, entities, metrics, trends

    return {
        "documents": [document_row(article, doc)],
        "companies": entities.company_rows(doc),
        "products": entities.product_rows(doc),
        "people": entities.people_rows(doc),
        "metrics": metrics.metric_rows(doc),
        "trends": trends.trend_rows(doc),
        "claims": claims.claim_rows(doc),
    }


def iter_rows(
    paths: Iterable[str | Path], *, settings: Settings, warn: Warn | None = None, stdin=None
) -> Iterator[dict[str, list[dict]]]:
    """Stream each article's rows as it is parsed, so memory stays flat over a corpus."""
    from .pipeline import build_nlp, process

    articles = load_articles(paths, boilerplate=settings.boilerplate, warn=warn, stdin=stdin)
    nlp = build_nlp(settings)
    for article, doc in process(nlp, articles, batch_size=settings.batch_size, n_process=settings.n_process):
        yield doc_rows(article, doc)


def extract(
    paths: Iterable[str | Path] = ("corpus",),
    *,
    settings: Settings | None = None,
    config: str | Path | None = None,
    tables: Iterable[str] = TABLES,
    warn: Warn | None = None,
    stdin=None,
) -> Tables:
    """Extract every table from the articles at `paths` (files, folders or '-')."""
    settings = settings or load_settings(config)
    wanted = [t for t in TABLES if t in set(tables)]
    collected: dict[str, list[dict]] = {name: [] for name in wanted}
    messages: list[str] = []

    def note(message: str) -> None:
        messages.append(message)
        if warn:
            warn(message)

    for rows in iter_rows(paths, settings=settings, warn=note, stdin=stdin):
        for name in wanted:
            collected[name].extend(rows[name])
    return Tables({name: to_frame(name, collected[name]) for name in wanted}, warnings=messages)


__all__ = ["Tables", "extract", "iter_rows", "SCHEMAS"]
