"""The Dask engine: input files partitioned over a dask.distributed cluster.

Each worker builds the spaCy pipeline once and reuses it for every partition it gets; the
client gathers the rows in input order, so the tables equal the local engine's. Lines
repeated across the corpus (boilerplate) are found on the client first, over the whole
corpus, because a partition alone cannot see them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import Settings
from .corpus import STDIN, corpus_repeated_lines, iter_sources
from .errors import ChinatechError, InputError

# Enough partitions to keep every worker busy and balance uneven files, few enough that
# per-task overhead stays small next to parsing.
FILES_PER_PARTITION = 25

def partition(items: list, size: int = FILES_PER_PARTITION) -> list[list]:
    """Consecutive slices of at most `size` items (order kept, so output order is stable)."""
    count = max(1, math.ceil(len(items) / size))
    step = math.ceil(len(items) / count) if items else 1
    return [items[i:i + step] for i in range(0, len(items), step)]


def run_partition(
    files: list[str], settings: Settings, repeated: frozenset[str], mentions: bool = False
) -> tuple[list[dict], list[str]]:
    """On a worker: every table's rows for some files, and the warnings they raised."""
    from .extraction import iter_rows

    warnings: list[str] = []
    try:
        # iter_rows builds the pipeline only if some file is not in the parse cache, once per
        # worker process (pipeline.shared_nlp), or finds the one a forking parent built.
        rows = list(iter_rows(files, settings=settings, warn=warnings.append, repeated=repeated,
                              mentions=mentions))
    except InputError:
        rows = []  # every file of this partition was skipped; the warnings say why
    return rows, warnings


def dask_rows(
    paths: Iterable[str | Path],
    *,
    settings: Settings,
    warn: Callable[[str], None],
    scheduler: str | None = None,
    workers: int = 2,
    mentions: bool = False,
) -> Iterator[dict[str, list[dict]]]:
    """Yield each article's rows, computed on a Dask cluster (a local one without `scheduler`)."""
    if any(str(p) == STDIN for p in paths):
        raise ChinatechError("--engine dask reads files, not standard input")
    sources = [str(p) for p in iter_sources(paths, warn=warn)]
    if not sources:
        raise InputError("no input files to read")
    repeated = corpus_repeated_lines(sources)
    client, cluster = _connect(scheduler, workers)
    try:
        futures = [client.submit(run_partition, part, settings, repeated, mentions, pure=False) for part in partition(sources)]
        produced = 0
        for future in futures:
            rows, messages = future.result()
            for message in messages:
                warn(message)
            produced += len(rows)
            yield from rows
        if not produced:
            raise InputError("no readable input: every file was skipped")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(scheduler: str | None, workers: int):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ChinatechError("--engine dask needs dask.distributed: pip install 'chinatech[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as exc:
            raise ChinatechError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    return Client(cluster), cluster
