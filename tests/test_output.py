from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from chinatech.output import atomic_write, render, to_markdown, write_tables
from chinatech.tables import conform, to_frame


@pytest.fixture
def metrics():
    return to_frame("metrics", [
        {"doc_id": "d", "sentence_id": 0, "text": "$172M", "value": 172e6, "unit": "USD", "start_char": 10, "end_char": 15},
        {"doc_id": "d", "sentence_id": 1, "text": "40-60 million", "value_min": 4e7, "value_max": 6e7, "unit": "units",
         "qualifier": "approx", "start_char": 30, "end_char": 43},
    ])


def read_back(text: str, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    if fmt == "tsv":
        return pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, na_values=[""])
    if fmt == "json":
        return pd.DataFrame(json.loads(text))
    if fmt == "jsonl":
        return pd.read_json(io.StringIO(text), lines=True, dtype=False)
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_formats_round_trip_through_pandas(metrics, fmt):
    text = render({"metrics": metrics}, fmt)
    pd.testing.assert_frame_equal(conform("metrics", read_back(text, fmt)), metrics)


def test_csv_is_plain(metrics):
    lines = render({"metrics": metrics}, "csv").splitlines()
    assert lines[0].startswith("doc_id,sentence_id,text,value,value_min,value_max,unit")
    assert lines[1].startswith("d,0,$172M,172000000,,,USD,")


def test_json_of_several_tables_is_keyed_by_name(metrics):
    data = json.loads(render({"metrics": metrics, "trends": to_frame("trends", [])}, "json"))
    assert list(data) == ["metrics", "trends"] and data["trends"] == []
    assert data["metrics"][1]["value"] is None and data["metrics"][1]["value_max"] == 60000000


def test_markdown_table(metrics):
    md = to_markdown(metrics)
    assert md.splitlines()[0].startswith("| doc_id | sentence_id | text |")
    assert "| $172M |" in md


def test_safe_csv_neutralises_formulas():
    frame = to_frame("claims", [{"doc_id": "d", "text": "=HYPERLINK(1)", "start_char": 0, "end_char": 1}])
    assert "'=HYPERLINK(1)" in render({"claims": frame}, "csv", safe_csv=True)
    assert "'=" not in render({"claims": frame}, "csv")


def test_write_tables_writes_one_file_per_table(tmp_path, metrics):
    written = write_tables({"metrics": metrics}, tmp_path, format="csv")
    assert [p.name for p in written] == ["metrics.csv"]
    assert not list(tmp_path.glob(".*tmp"))


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old")

    def boom(tmp):
        tmp.write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_terminal_view_keeps_the_telling_columns_of_a_wide_table():
    from rich.console import Console

    from chinatech.output import print_rich
    from chinatech.tables import to_frame

    claims = to_frame("claims", [{"doc_id": "d1", "sentence_id": 0, "text": "Xiaomi shipped 8 million phones in May, "
                                  "its best month so far, the company said.", "attributed_to": "Xiaomi Corporation Ltd",
                                  "claim_type": "statistic", "subject": "Xiaomi", "start_char": 0, "end_char": 70,
                                  "predicate": "ship", "object": "phones", "source_type": "organisation",
                                  "hedged": False, "negated": False, "score": 5.0}])
    console = Console(width=80, record=True, color_system=None)
    print_rich({"claims": claims}, console=console)
    out = console.export_text()
    assert "Xiaomi shipped 8" in out and "attributed_to" in out
    assert "too wide for this terminal, not shown:" in out and "start_char" in out.split("not shown:")[1]
    wide = Console(width=400, record=True, color_system=None)
    print_rich({"claims": claims}, console=wide)
    assert "too wide" not in wide.export_text()
