"""Wall time of `chinatech extract` on the bundled corpus, model load included (issue 3's budget: < 3 s).

    python benchmarks/startup.py [--runs 5]

Runs the installed command as a user would (`chinatech extract --out TMP --format csv`),
several times, and prints the best and median wall time, plus `chinatech --help`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import sys
import time
from pathlib import Path


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("chinatech")
    exe = str(beside) if beside.exists() else shutil.which("chinatech") or "chinatech"
    with tempfile.TemporaryDirectory() as out:
        extract = [timed([exe, "extract", "corpus", "--out", out, "--format", "csv", "-q"]) for _ in range(args.runs)]
    helps = [timed([exe, "--help"]) for _ in range(args.runs)]
    print(f"chinatech extract (5 articles, model load included): best {min(extract):.2f} s, median {statistics.median(extract):.2f} s over {args.runs} runs")
    print(f"chinatech --help: best {min(helps):.3f} s, median {statistics.median(helps):.3f} s")


if __name__ == "__main__":
    main()
