from __future__ import annotations

from dataclasses import replace

import pandas as pd

from chinatech.config import Settings
from chinatech.extraction import extract

from .conftest import CORPUS


def entries(folder):
    return sorted(folder.rglob("*.spacy"))


def test_second_run_reads_the_cache_and_gives_equal_tables(tmp_path):
    settings = Settings(cache_dir=str(tmp_path))
    first = extract([CORPUS], settings=settings)
    assert len(entries(tmp_path)) == 5
    stamps = {p: p.stat().st_mtime_ns for p in entries(tmp_path)}
    second = extract([CORPUS], settings=settings)
    assert {p: p.stat().st_mtime_ns for p in entries(tmp_path)} == stamps  # read, not rewritten
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[name])


def test_corrupt_entries_are_rebuilt(tmp_path):
    settings = Settings(cache_dir=str(tmp_path))
    first = extract([CORPUS], settings=settings)
    for path in entries(tmp_path):
        path.write_bytes(b"not a docbin")
    second = extract([CORPUS], settings=settings)
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[name])
    assert all(p.stat().st_size > 100 for p in entries(tmp_path))


def test_no_cache_writes_nothing(tmp_path):
    extract([CORPUS], settings=Settings(cache_dir=str(tmp_path), cache=False))
    assert entries(tmp_path) == []


def test_knowledge_from_config_changes_the_key(tmp_path):
    settings = Settings(cache_dir=str(tmp_path))
    extract([CORPUS], settings=settings)
    extract([CORPUS], settings=replace(settings, companies=({"name": "Zyxwv Robotics"},)))
    assert len(entries(tmp_path)) == 10
