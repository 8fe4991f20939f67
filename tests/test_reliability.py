"""Bad input never crashes a run, never loses or corrupts output (issue 11)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from chinatech.cli import cli
from chinatech.config import Settings
from chinatech.corpus import load_articles
from chinatech.extraction import extract
from chinatech.tables import TABLES

from .conftest import CORPUS, ROOT

GOOD = sorted(CORPUS.glob("*.txt"))[:2]


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def messy(tmp_path):
    """Good articles plus one file of every bad kind."""
    folder = tmp_path / "messy"
    folder.mkdir()
    for path in GOOD:
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_text("")
    (folder / "blank.md").write_text("   \n\n  ")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners in M\xfcnchen use Alibaba\u2019s Alipay every day now.\n".encode("cp1252", "replace"))
    os.symlink(folder / "loop_b.txt", folder / "loop_a.txt")
    os.symlink(folder / "loop_a.txt", folder / "loop_b.txt")
    (folder / "empty_dir").mkdir()
    return folder


def test_messy_folder_keeps_good_tables_warns_per_file_and_exits_1(messy, tmp_path):
    clean_out, messy_out = tmp_path / "clean", tmp_path / "messy_out"
    good_dir = tmp_path / "good"
    good_dir.mkdir()
    for path in GOOD:
        shutil.copy(path, good_dir / path.name)
    assert invoke("extract", str(good_dir), "--out", str(clean_out), "-f", "csv", "-q").exit_code == 0
    result = invoke("extract", str(messy), "--out", str(messy_out), "-f", "csv")
    assert result.exit_code == 1, result.output
    warnings = [l for l in result.stderr.splitlines() if l.startswith("warning:")]
    for name in ("empty.txt", "blank.md", "binary.txt", "latin1.txt"):
        assert sum(name in w for w in warnings) == 1, (name, warnings)
    assert "Traceback" not in result.output
    for table in TABLES:
        clean = pd.read_csv(clean_out / f"{table}.csv", dtype=str)
        dirty = pd.read_csv(messy_out / f"{table}.csv", dtype=str)
        dirty = dirty[dirty["doc_id"].isin(clean["doc_id"])].reset_index(drop=True)
        if table == "documents":
            clean, dirty = clean.drop(columns="source"), dirty.drop(columns="source")
        pd.testing.assert_frame_equal(clean, dirty)


def test_symlink_loop_named_explicitly(messy):
    result = invoke("extract", str(messy / "loop_a.txt"), str(GOOD[0]), "--table", "documents", "-f", "csv")
    assert result.exit_code == 1
    assert "loop_a.txt: symlink loop, skipped" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["no/such/file.txt"], "no/such/file.txt: no such file or folder"),
    (["-"], "stdin: empty"),
])
def test_nothing_readable_is_a_usage_error(args, message):
    result = invoke("extract", *args, "--table", "documents", input="")
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_strict_turns_warnings_into_an_error_and_writes_nothing(messy, tmp_path):
    result = invoke("extract", str(messy), "--out", str(tmp_path / "o"), "-f", "csv", "--strict")
    assert result.exit_code == 2 and "--strict" in result.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_unreadable_file_is_skipped(monkeypatch, tmp_path):
    # Tests run as root in CI, where chmod 000 still reads: simulate the OS refusing instead.
    target = tmp_path / "locked.txt"
    target.write_text("text")
    real = Path.read_bytes

    def refuse(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    warnings = []
    docs = list(load_articles([target, GOOD[0]], warn=warnings.append))
    assert [d.doc_id for d in docs] == [GOOD[0].stem]
    assert warnings == [f"{target}: cannot read (Permission denied), skipped"]


def test_file_vanishing_mid_run_is_skipped(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(GOOD[0], first)
    shutil.copy(GOOD[1], second)
    warnings = []
    stream = load_articles([tmp_path], warn=warnings.append)
    next(stream)
    second.unlink()
    assert list(stream) == []
    assert warnings == [f"{second}: cannot read (No such file or directory), skipped"]


def test_bom_and_windows_newlines_change_nothing(tmp_path):
    text = GOOD[0].read_text(encoding="utf-8")
    (tmp_path / "plain.txt").write_text(text, encoding="utf-8")
    (tmp_path / "crlf.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    tables = extract([tmp_path], settings=Settings(cache=False))
    for name, frame in tables.items():
        if name == "documents":
            frame = frame.drop(columns="source")
        a = frame[frame["doc_id"] == "plain"].drop(columns="doc_id").reset_index(drop=True)
        b = frame[frame["doc_id"] == "crlf"].drop(columns="doc_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)


def test_text_longer_than_a_piece_keeps_offsets(tmp_path, monkeypatch):
    import chinatech.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2000)
    body = "\n\n".join(GOOD[1].read_text(encoding="utf-8") for _ in range(3))
    path = tmp_path / "long.txt"
    path.write_text(body, encoding="utf-8")
    tables = extract([path], settings=Settings(cache=False))
    text = path.read_text(encoding="utf-8")
    for name in ("metrics", "claims"):
        for row in tables[name].itertuples():
            assert text[row.start_char:row.end_char] == row.text
    assert tables.documents["sentences"].iloc[0] == tables.claims["sentence_id"].max() + 1 or len(tables.claims) < 3
    assert tables.companies["company"].is_unique


def test_out_into_unwritable_place_fails_before_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke("extract", str(CORPUS), "--out", str(blocker / "sub"), "-f", "csv")
    assert result.exit_code == 2 and "cannot write to" in result.stderr


def test_same_output_across_runs_and_n_process(tmp_path):
    outputs = []
    for n, cache in ((1, False), (2, False), (1, True)):
        config = tmp_path / f"c{n}{cache}.yaml"
        config.write_text(f"n_process: {n}\ncache: {str(cache).lower()}\ncache_dir: {tmp_path / 'cache'}\n")
        out = tmp_path / f"out{n}{cache}"
        assert invoke("extract", str(CORPUS), "--config", str(config), "--out", str(out), "-f", "csv", "-q").exit_code == 0
        outputs.append({t: (out / f"{t}.csv").read_bytes() for t in TABLES})
    assert outputs[0] == outputs[1] == outputs[2]


def test_killed_run_leaves_complete_or_absent_files(tmp_path):
    """Kill writers at several moments: every table file is either absent or complete."""
    reference = tmp_path / "ref"
    assert invoke("extract", str(CORPUS), "--out", str(reference), "-f", "jsonl", "-q").exit_code == 0
    exe = os.path.join(os.path.dirname(sys.executable), "chinatech")
    for delay in (0.5, 1.5, 2.5):
        out = tmp_path / f"killed{delay}"
        proc = subprocess.Popen([exe, "extract", str(CORPUS), "--out", str(out), "-f", "jsonl", "-q", "--no-cache"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for table in TABLES:
            path = out / f"{table}.jsonl"
            assert not path.exists() or path.read_bytes() == (reference / f"{table}.jsonl").read_bytes()
