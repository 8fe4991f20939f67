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
