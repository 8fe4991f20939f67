"""Binary exports: SQLite (one table per table, declared column types, doc_id indexes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Mapping

import pandas as pd

from .output import records
from .tables import BOOL, FLOAT, INT, SCHEMAS

SQL_TYPES = {INT: "INTEGER", FLOAT: "REAL", BOOL: "INTEGER", "string": "TEXT"}


def create_statement(name: str) -> str:
    columns = ", ".join(f'"{c}" {SQL_TYPES[t]}' for c, t in SCHEMAS[name].columns)
    return f'CREATE TABLE "{name}" ({columns})'


def write_sqlite(frames: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Write tables into a new SQLite file at `path` (the caller renames it into place)."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        for name, frame in frames.items():
            schema = SCHEMAS[name]
            connection.execute(f'DROP TABLE IF EXISTS "{name}"')
            connection.execute(create_statement(name))
            marks = ", ".join("?" for _ in schema.names)
            rows = [tuple(row[c] for c in schema.names) for row in records(frame)]
            connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
            # Every table joins on doc_id: index it so JOINs across tables stay fast.
            connection.execute(f'CREATE INDEX "ix_{name}_doc_id" ON "{name}" (doc_id)')
    connection.close()


def read_sqlite(path: Path) -> dict[str, pd.DataFrame]:
    """Read every chinatech table back from a SQLite file, in the declared schema."""
    from .tables import conform

    frames = {}
    with sqlite3.connect(path) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for name in SCHEMAS:
            if name in names:
                frames[name] = conform(name, pd.read_sql_query(f'SELECT * FROM "{name}"', connection))
    connection.close()
    return frames
