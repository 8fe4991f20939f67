"""The local parallel engine: files partitioned over worker processes on this machine.

spaCy's own `n_process` parallelises parsing only: the parent still tokenises, pickles
every Doc both ways and builds every row, so on 2 cores it gave about 1.25x. Here each
worker runs the whole chain (read, clean, parse, extract) on a few files at a time and
sends back rows, which are small. Output order is input order, so the tables equal a
single-process run's.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import Settings
from .corpus import corpus_repeated_lines
from .distributed import partition, run_partition

# Small tasks balance uneven files; each still amortises the task's pickling.
FILES_PER_TASK = 4


def can_partition(sources: list) -> bool:
    """Standard input cannot be split, and equal file stems need one process to number them."""
    stems = [Path(str(s)).stem for s in sources]
    return "-" not in map(str, sources) and len(set(stems)) == len(stems)


def parallel_rows(
    sources: list,
    *,
    settings: Settings,
    warn: Callable[[str], None],
    mentions: bool = False,
) -> Iterator[dict[str, list[dict]]]:
    """Yield each article's rows in input order, computed by `settings.n_process` workers."""
    repeated = corpus_repeated_lines(sources)
    single = replace(settings, n_process=1)
    files = [str(s) for s in sources]
    small = len(files) <= settings.n_process * FILES_PER_TASK
    # A small corpus is dealt out by size, one share per worker, so none idles while another
    # parses a long article; a large one goes in consecutive slices, streamed in order.
    tasks = balanced(files, settings.n_process) if small else partition(files, FILES_PER_TASK)
    # fork starts workers in milliseconds, and they inherit a pipeline the parent has already
    # built (pipeline.shared_nlp); otherwise each builds its own once.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=settings.n_process, mp_context=context) as pool:
        rows = _ordered(pool, tasks, single, repeated, mentions, warn, window=2 * settings.n_process)
        yield from _in_input_order(rows, files) if small else rows


def balanced(files: list[str], shares: int) -> list[list[str]]:
    """The files dealt into `shares` groups of about equal size, largest first to the lightest
    group; each group keeps the input order."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(shares, len(files))))]
    loads = [0] * len(groups)
    for i in sorted(range(len(files)), key=lambda k: (-_size(files[k]), k)):
        lightest = loads.index(min(loads))
        groups[lightest].append(i)
        loads[lightest] += _size(files[i])
    return [[files[i] for i in sorted(group)] for group in groups if group]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports an unreadable file as it does alone


def _in_input_order(rows: Iterable[dict[str, list[dict]]], files: list[str]) -> list[dict[str, list[dict]]]:
    """Rows gathered from shares dealt out of order, put back in the order of the files."""
    position = {Path(f).stem: k for k, f in enumerate(files)}
    return sorted(rows, key=lambda r: position.get(r["documents"][0]["doc_id"], len(files)))


def _ordered(pool, tasks: Iterable[list[str]], settings, repeated, mentions, warn, *, window: int):
    """Keep at most `window` tasks in flight, so memory stays flat however many files."""
    pending: deque[Future] = deque()
    for task in tasks:
        pending.append(pool.submit(run_partition, task, settings, repeated, mentions))
        if len(pending) >= window:
            _while_workers_start()
            yield from _collect(pending.popleft(), warn)
    _while_workers_start()
    while pending:
        yield from _collect(pending.popleft(), warn)


def _while_workers_start() -> None:
    """The parent's own imports, done while the first workers load spaCy and the model
    rather than before it starts them: the tables are built with pandas at the end.
    Only the first call imports; later ones find the module loaded."""
    import pandas  # noqa: F401


def _collect(future: Future, warn: Callable[[str], None]) -> Iterator[dict[str, list[dict]]]:
    rows, messages = future.result()
    for message in messages:
        warn(message)
    yield from rows
