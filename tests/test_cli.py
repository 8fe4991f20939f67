from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from chinatech import __version__
from chinatech.cli import cli
from chinatech.tables import SCHEMAS, TABLES

from .conftest import CORPUS, GOLD, ROOT


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def commands(group: click.Group):
    yield group
    for command in group.commands.values():
        yield from commands(command) if isinstance(command, click.Group) else [command]


def test_every_command_has_help_with_examples():
    for command in commands(cli):
        assert command.help and "Examples:" in command.help, command.name


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("table", TABLES)
def test_extract_one_table_as_csv(table):
    result = run("extract", str(CORPUS), "--table", table, "--format", "csv")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.output))
    assert list(frame.columns) == SCHEMAS[table].names


def test_json_holds_every_table():
    data = json.loads(run("extract", str(CORPUS), "--format", "json", "-q").stdout)
    assert list(data) == list(TABLES) and len(data["documents"]) == 5


def test_out_writes_seven_files(tmp_path):
    result = run("extract", str(CORPUS), "--out", str(tmp_path / "out"), "--format", "csv", "-q")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{t}.csv" for t in TABLES)


def test_csv_of_all_tables_to_a_pipe_asks_for_table():
    result = CliRunner().invoke(cli, ["extract", str(CORPUS), "--format", "csv"])
    assert result.exit_code == 2 and "--table" in result.output


def test_stdin(tmp_path):
    text = (CORPUS / sorted(os.listdir(CORPUS))[0]).read_text(encoding="utf-8")
    result = run("extract", "-", "--table", "documents", "--format", "json", input=text)
    assert json.loads(result.output)[0]["doc_id"] == "stdin"


def test_missing_path_is_named_and_exits_2_when_nothing_is_left():
    result = CliRunner().invoke(cli, ["extract", "no/such/dir", "--table", "documents"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["warning: no/such/dir: no such file or folder, skipped", "Error: no input files to read"]
    assert result.stdout == ""


def test_bad_config_is_one_line_error(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("modle: x\n")
    result = CliRunner().invoke(cli, ["extract", str(CORPUS), "--config", str(bad), "--table", "documents"])
    assert result.exit_code == 2 and "unknown key 'modle'" in result.output and "Traceback" not in result.output


def test_missing_model_names_the_install_command(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("model: no_such_pipeline_xyz\n")
    result = CliRunner().invoke(cli, ["extract", str(CORPUS), "--config", str(config), "--table", "documents"])
    assert result.exit_code == 2
    assert "spaCy model 'no_such_pipeline_xyz' is not installed; install it with: pip install no-such-pipeline-xyz" in result.output


def test_eval_prints_scores_and_floors_fail(tmp_path):
    (tmp_path / "companies.csv").write_text("doc_id,company\n000_2eaf62d50d2362f2,Nonexistent Widgets\n")
    result = CliRunner().invoke(cli, ["eval", "--pred", str(tmp_path), "--gold", str(GOLD), "--format", "json",
                                      "--min-f1", "companies=0.99"])
    assert result.exit_code == 1
    assert set(json.loads(result.stdout)) == {"companies", "products", "people", "metrics", "trends", "claims"}
    assert result.stderr == "Error: companies F1 0.000 is below the floor 0.990\n"


def test_eval_pred_folder(tmp_path):
    run("extract", str(CORPUS), "--out", str(tmp_path), "--format", "csv", "-q")
    direct = json.loads(run("eval", str(CORPUS), "--gold", str(GOLD), "--format", "json").output)
    from_files = json.loads(run("eval", "--pred", str(tmp_path), "--gold", str(GOLD), "--format", "json").output)
    assert {t: d["f1"] for t, d in direct.items()} == {t: d["f1"] for t, d in from_files.items()}


def test_installed_command_in_a_pipe_ends_quietly():
    """The real console script: `| head -1` must print the header and no traceback."""
    exe = os.path.join(os.path.dirname(sys.executable), "chinatech")
    proc = subprocess.run(
        f"'{exe}' extract '{CORPUS}' --table companies --format csv | head -1",
        shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == ",".join(SCHEMAS["companies"].names)
    assert "Traceback" not in proc.stderr


def test_trends_corpus_view_as_csv():
    result = run("trends", str(CORPUS), "--format", "csv", "-q", "--no-discover")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns)[:6] == ["trend", "category", "source", "documents", "share", "mentions"]
    assert set(frame["source"]) == {"taxonomy"}
    assert frame["documents"].is_monotonic_decreasing


def test_extract_discover_adds_discovered_trends():
    result = run("extract", str(CORPUS), "--table", "trends", "--format", "csv", "-q", "--discover")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert {"taxonomy", "discovered"} <= set(frame["source"])


def test_report_command_writes_html_and_markdown(tmp_path):
    result = run("report", str(CORPUS), "--out", str(tmp_path), "-q")
    assert result.exit_code == 0
    assert {"report.html", "report.md"} <= {p.name for p in tmp_path.iterdir()}


def test_report_rejects_unknown_format(tmp_path):
    result = CliRunner().invoke(cli, ["report", str(CORPUS), "--out", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 2 and "unknown format(s) pdf" in result.output
