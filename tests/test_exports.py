"""Parquet, SQLite and JSONL exports read back equal to CSV; the Python API (issue 9)."""

from __future__ import annotations

import io
import sqlite3

import pandas as pd
import pytest

import chinatech
from chinatech.exports import read_sqlite
from chinatech.output import write_tables
from chinatech.tables import SCHEMAS, TABLES, conform


def read_csv_dir(folder):
    return {t: conform(t, pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False, na_values=[""])) for t in TABLES}


@pytest.fixture(scope="module")
def written(corpus_tables, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    for fmt in ("csv", "parquet", "sqlite", "jsonl"):
        write_tables(dict(corpus_tables.items()), folder / fmt, format=fmt)
    return folder


def test_parquet_equals_csv(written):
    csv = read_csv_dir(written / "csv")
    for table in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(written / "parquet" / f"{table}.parquet"), csv[table])


def test_jsonl_equals_csv(written):
    csv = read_csv_dir(written / "csv")
    for table in TABLES:
        text = (written / "jsonl" / f"{table}.jsonl").read_text(encoding="utf-8")
        frame = pd.read_json(io.StringIO(text), lines=True, dtype=False) if text else pd.DataFrame()
        pd.testing.assert_frame_equal(conform(table, frame), csv[table])


def test_sqlite_equals_csv_with_declared_types_and_indexes(written):
    path = written / "sqlite" / "chinatech.db"
    csv = read_csv_dir(written / "csv")
    for table, frame in read_sqlite(path).items():
        pd.testing.assert_frame_equal(frame, csv[table])
    with sqlite3.connect(path) as db:
        columns = db.execute("PRAGMA table_info(metrics)").fetchall()
        assert [(c[1], c[2]) for c in columns][:5] == [("doc_id", "TEXT"), ("sentence_id", "INTEGER"), ("text", "TEXT"),
                                                       ("value", "REAL"), ("value_min", "REAL")]
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert indexes == {f"ix_{t}_doc_id" for t in TABLES}
        joined = db.execute("SELECT count(*) FROM documents d JOIN metrics m ON d.doc_id = m.doc_id").fetchone()[0]
        assert joined == len(csv["metrics"])


def test_rewriting_sqlite_replaces_rather_than_appends(corpus_tables, tmp_path):
    write_tables(dict(corpus_tables.items()), tmp_path, format="sqlite")
    write_tables(dict(corpus_tables.items()), tmp_path, format="sqlite")
    with sqlite3.connect(tmp_path / "chinatech.db") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 5


def test_python_api(corpus_tables, tmp_path):
    assert list(dict(corpus_tables.items())) == list(TABLES)
    assert list(corpus_tables.metrics.columns) == SCHEMAS["metrics"].names
    paths = corpus_tables.to_dir(tmp_path, format="parquet")
    assert sorted(p.name for p in paths) == sorted(f"{t}.parquet" for t in TABLES)
    assert callable(chinatech.extract)
