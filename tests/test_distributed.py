"""The Dask engine gives the local engine's tables (issue 10)."""

from __future__ import annotations

import pandas as pd

from chinatech.config import Settings
from chinatech.distributed import partition
from chinatech.extraction import extract

from .conftest import CORPUS


def test_partition_keeps_order_and_covers_everything():
    items = list(range(103))
    parts = partition(items, 25)
    assert [i for p in parts for i in p] == items and max(len(p) for p in parts) <= 25


def test_dask_local_cluster_equals_local_engine(corpus_tables, tmp_path):
    # Several small partitions, so both workers get work.
    import chinatech.distributed as distributed

    distributed.FILES_PER_PARTITION = 2
    try:
        tables = extract([CORPUS], settings=Settings(cache=False), engine="dask")
    finally:
        distributed.FILES_PER_PARTITION = 25
    for name, frame in corpus_tables.items():
        pd.testing.assert_frame_equal(tables[name], frame)


def test_local_parallel_engine_only_splits_what_it_can():
    from chinatech.parallel import can_partition

    assert can_partition(["a/x.txt", "b/y.txt"])
    assert not can_partition(["a/x.txt", "b/x.txt"])  # equal stems are numbered by one process
    assert not can_partition(["-", "b/y.txt"])


def test_local_parallel_engine_equals_one_process(corpus_tables):
    import chinatech.parallel as parallel

    parallel.FILES_PER_TASK = 1
    try:
        tables = extract([CORPUS], settings=Settings(cache=False, n_process=2))
    finally:
        parallel.FILES_PER_TASK = 4
    for name, frame in corpus_tables.items():
        pd.testing.assert_frame_equal(tables[name], frame)


def test_small_corpus_dealt_by_size_still_comes_out_in_input_order(corpus_tables):
    tables = extract([CORPUS], settings=Settings(cache=False, n_process=2))  # 5 files: one share each
    for name, frame in corpus_tables.items():
        pd.testing.assert_frame_equal(tables[name], frame)


def test_balanced_shares_put_the_long_file_alone(tmp_path):
    from chinatech.parallel import balanced

    sizes = {"a": 30, "b": 40, "c": 80, "d": 30, "e": 35}
    files = []
    for stem, size in sizes.items():
        path = tmp_path / f"{stem}.txt"
        path.write_text("x" * size)
        files.append(str(path))
    shares = [[f.rsplit("/", 1)[1][0] for f in share] for share in balanced(files, 2)]
    assert shares == [["c", "d"], ["a", "b", "e"]]
    assert balanced(files[:1], 2) == [files[:1]]
