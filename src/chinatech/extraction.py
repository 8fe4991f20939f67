"""The extraction run: articles -> spaCy -> one DataFrame per table.

`extract()` is what the CLI's `extract` command calls, and what scripts and notebooks call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .config import Settings, load_settings
from .corpus import Article, load_articles
from .tables import SCHEMAS, TABLES, to_frame

if TYPE_CHECKING:  # spaCy loads only where documents are parsed, pandas where frames are
    import pandas as pd  # built: a parallel run's parent starts its workers before either
    from spacy.tokens import Doc

Warn = Callable[[str], None]


@dataclass
class Tables:
    """One DataFrame per table, in the declared schema; `tables.metrics` etc."""

    frames: dict[str, pd.DataFrame]
    warnings: list[str] = field(default_factory=list)
    # Per-sentence trend/company/candidate mentions, kept only when asked for (discovery
    # and the corpus trend view need them; a plain extraction does not pay for them).
    mentions: list[dict] = field(default_factory=list)
    discovered: list[dict] = field(default_factory=list)

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


def document_row(article: Article, docs: list[Doc]) -> dict:
    from spacy.attrs import IS_PUNCT, IS_SPACE

    from .components.common import sentences

    def words(doc: Doc) -> int:
        flags = doc.to_array([IS_SPACE, IS_PUNCT])  # one pass in C, not a Token object per word
        return int((flags.sum(axis=1) == 0).sum()) if len(doc) else 0

    return {
        "doc_id": article.doc_id, "title": article.title, "author": article.author, "date": article.date,
        "words": sum(words(doc) for doc in docs),
        "sentences": sum(len(sentences(doc)) for doc in docs),
        "boilerplate_lines": article.boilerplate_lines, "source": article.source,
    }


def piece_rows(doc: Doc, *, mentions: bool = False) -> dict[str, list[dict]]:
    """Every table's rows (documents aside) for one parsed doc; with `mentions`, also the
    per-sentence mentions that trend discovery and the corpus trend view use."""
    from .components import claims, entities, metrics, trends

    rows = {
        "companies": entities.company_rows(doc),
        "products": entities.product_rows(doc),
        "people": entities.people_rows(doc),
        "metrics": metrics.metric_rows(doc),
        "trends": trends.trend_rows(doc),
        "claims": claims.claim_rows(doc),
    }
    if mentions:
        from .trendview import mention_rows

        rows[MENTIONS] = mention_rows(doc)
    return rows


MENTIONS = "trend_mentions"


def doc_rows(article: Article, docs: list[Doc], *, mentions: bool = False) -> dict[str, list[dict]]:
    """Every table's rows for one article, however many pieces it was parsed in."""
    from .components.common import sentences

    rows = {"documents": [document_row(article, docs)]}
    if len(docs) == 1:
        return {**rows, **piece_rows(docs[0], mentions=mentions)}
    merged: dict[str, list[dict]] = {}
    sentences_before = 0
    for doc in docs:
        offset = doc._.ct_meta.get("offset", 0)
        for table, table_rows in piece_rows(doc, mentions=mentions).items():
            merged.setdefault(table, []).extend(shift(r, offset, sentences_before) for r in table_rows)
        sentences_before += len(sentences(doc))
    return {**rows, **{table: merge_mentions(table, table_rows) for table, table_rows in merged.items()}}


OFFSET_COLUMNS = ("start_char", "end_char", "first_char")
SENTENCE_COLUMNS = ("sentence_id", "first_sentence_id")
# Tables with one row per name per document: pieces of one article add up.
NAME_KEYS = {"companies": "company", "products": "product", "people": "person", "trends": "trend"}


def shift(row: dict, offset: int, sentences_before: int) -> dict:
    """Move a piece's offsets and sentence numbers to the whole article's."""
    row = dict(row)
    for column in OFFSET_COLUMNS:
        if isinstance(row.get(column), int) and row[column] >= 0:
            row[column] += offset
    for column in SENTENCE_COLUMNS:
        if isinstance(row.get(column), int):
            row[column] += sentences_before
    return row


def merge_mentions(table: str, rows: list[dict]) -> list[dict]:
    """One row per name: mentions summed, surface forms joined, the first position kept."""
    key = NAME_KEYS.get(table)
    if key is None:
        return rows
    merged: dict[str, dict] = {}
    for row in rows:
        seen = merged.get(row[key])
        if seen is None:
            merged[row[key]] = dict(row)
            continue
        seen["mentions"] = (seen.get("mentions") or 0) + (row.get("mentions") or 0)
        for column in ("aliases", "terms"):
            if column in row:
                forms = [f for f in f"{seen.get(column) or ''};{row.get(column) or ''}".split(";") if f]
                seen[column] = ";".join(dict.fromkeys(forms))
        for column, value in row.items():
            if seen.get(column) in (None, "") and value not in (None, ""):
                seen[column] = value
    return list(merged.values())


def iter_rows(
    paths: Iterable[str | Path],
    *,
    settings: Settings,
    warn: Warn | None = None,
    stdin=None,
    repeated: frozenset[str] | None = None,
    nlp=None,
    mentions: bool = False,
) -> Iterator[dict[str, list[dict]]]:
    """Stream each article's rows as it is parsed, so memory stays flat over a corpus.

    `repeated` (boilerplate lines found across a whole corpus) and a built `nlp` can be
    passed in by an engine that runs this over parts of a corpus.
    """
    from .pipeline import process, shared_nlp

    articles = load_articles(paths, boilerplate=settings.boilerplate, warn=warn, stdin=stdin, repeated=repeated)
    # The model is built only when some article is not in the parse cache.
    get_nlp = (lambda: nlp) if nlp is not None else (lambda: shared_nlp(settings))
    cache = make_cache(settings)
    stream = process(get_nlp, articles, batch_size=settings.batch_size, n_process=settings.n_process, cache=cache)
    for article, docs in stream:
        yield doc_rows(article, docs, mentions=mentions)


def make_cache(settings: Settings):
    """The parse cache the settings ask for, or None."""
    if not settings.cache:
        return None
    from .cache import ParseCache, default_dir

    folder = Path(settings.cache_dir).expanduser() if settings.cache_dir else default_dir()
    knowledge = repr((settings.companies, settings.products, settings.trends))
    return ParseCache(folder, settings.model, knowledge)


def extract(
    paths: Iterable[str | Path] = ("corpus",),
    *,
    settings: Settings | None = None,
    config: str | Path | None = None,
    tables: Iterable[str] = TABLES,
    warn: Warn | None = None,
    stdin=None,
    progress: Callable[[str], None] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    discover: bool = False,
    mentions: bool = False,
) -> Tables:
    """Extract every table from the articles at `paths` (files, folders or '-').

    `progress` is called with each doc_id as its article is done; `engine="dask"` spreads
    the files over a Dask cluster (`scheduler` address, or a local cluster). `discover`
    adds trends found outside the taxonomy (source "discovered") to the trends table;
    `mentions` keeps the per-sentence mentions in `Tables.mentions`.
    """
    settings = settings or load_settings(config)
    wanted = [t for t in TABLES if t in set(tables)]
    collected: dict[str, list[dict]] = {name: [] for name in wanted}
    kept: list[dict] = []
    keep = mentions or discover
    messages: list[str] = []

    def note(message: str) -> None:
        messages.append(message)
        if warn:
            warn(message)

    stream = _stream(paths, settings=settings, warn=note, stdin=stdin, mentions=keep, engine=engine, scheduler=scheduler)
    for rows in stream:
        for name in wanted:
            collected[name].extend(rows[name])
        kept.extend(rows.get(MENTIONS, ()))
        if progress:
            progress(rows["documents"][0]["doc_id"])
    found = _discover(kept, collected) if discover else []
    frames = {name: to_frame(name, collected[name]) for name in wanted}
    return Tables(frames, warnings=messages, mentions=kept, discovered=found)


def _stream(paths, *, settings: Settings, warn: Warn, stdin, mentions: bool, engine: str, scheduler: str | None):
    """Rows per article from the engine the options chose."""
    if engine == "dask":
        from .distributed import dask_rows

        return dask_rows(paths, settings=settings, warn=warn, scheduler=scheduler, mentions=mentions)
    if settings.n_process > 1:
        from .corpus import iter_sources
        from .errors import InputError
        from .parallel import can_partition, parallel_rows

        paths = list(paths)
        sources = list(iter_sources(paths, warn=lambda message: None))
        if len(sources) > 1 and can_partition(sources):
            sources = list(iter_sources(paths, warn=warn))
            if not sources:
                raise InputError("no input files to read")
            return _nonempty(parallel_rows(sources, settings=settings, warn=warn, mentions=mentions))
    return iter_rows(paths, settings=settings, warn=warn, stdin=stdin, mentions=mentions)


def _nonempty(rows: Iterator[dict[str, list[dict]]]) -> Iterator[dict[str, list[dict]]]:
    """Like the single-process run: nothing readable at all is an error, not empty tables."""
    from .errors import InputError

    produced = False
    for row in rows:
        produced = True
        yield row
    if not produced:
        raise InputError("no readable input: every file was skipped")


def _discover(mentions: list[dict], collected: dict[str, list[dict]]) -> list[dict]:
    from .trendview import discover, discovered_rows

    found = discover(mentions)
    if "trends" in collected:
        collected["trends"].extend(discovered_rows(mentions, found))
    return found


__all__ = ["Tables", "extract", "iter_rows", "SCHEMAS"]
