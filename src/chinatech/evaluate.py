"""Score extracted tables against hand-made gold annotations (tests/gold/README.md has the rules).

Names match case-insensitively after dropping punctuation, a leading "the" and corporate
suffixes; an alias counts as the name. Metrics match on document, unit class and value within
1% (both ends of a range). Claims match when the returned sentence covers half of the gold
claim's words. Items under `optional` never count against precision or recall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import yaml

ENTITY_TABLES = {"companies": "company", "products": "product", "people": "person", "trends": "trend"}
SCORED = ("companies", "products", "people", "metrics", "trends", "claims")
SUFFIXES = {"inc", "ltd", "corp", "group", "holdings", "co"}
TOLERANCE = 0.01


# -- normalisation -----------------------------------------------------------------------

def norm(name: object) -> str:
    """Lower case, punctuation dropped, leading 'the' and trailing corporate suffixes gone."""
    if name is None:
        return ""
    text = re.sub(r"[^\w\s]", "", str(name).lower().replace("’", "").replace("'", ""))
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words = words[:-1]
    return " ".join(words)


def words(text: object) -> set[str]:
    return set(re.findall(r"\w+", str(text or "").lower()))


def coverage(gold_text: str, pred_text: str) -> float:
    """Share of the gold text's words that the predicted text contains."""
    gold = words(gold_text)
    return len(gold & words(pred_text)) / len(gold) if gold else 0.0


# -- gold --------------------------------------------------------------------------------

def load_gold(folder: str | Path) -> dict[str, dict]:
    """Read every <doc_id>.yaml in `folder`."""
    gold = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        gold[str(data.get("doc_id") or path.stem)] = data
    return gold


def _names(item: Mapping) -> set[str]:
    return {n for n in (norm(item.get("name")), *(norm(a) for a in item.get("aliases") or [])) if n}


def _items(doc: Mapping, key: str, *, optional: bool) -> list[Mapping]:
    section = (doc.get("optional") or {}) if optional else doc
    items = list(section.get(key) or [])
    # Cited publishers and reports are fair to list as companies, never required.
    if key == "companies" and optional:
        items += list(doc.get("sources") or [])
    return items


# -- scores ------------------------------------------------------------------------------

@dataclass
class Score:
    table: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    extra: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def note(self, doc_id: str, kind: str, item: str) -> None:
        self.details.setdefault(doc_id, {"missed": [], "false_positives": []})[kind].append(item)

    def as_dict(self) -> dict:
        return {"table": self.table, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn,
                **{k: round(v, 4) if isinstance(v, float) else v for k, v in self.extra.items()},
                "details": self.details}


def _rows(frame, doc_id: str) -> list[dict]:
    if frame is None or len(frame) == 0:
        return []
    subset = frame[frame["doc_id"] == doc_id]
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in subset.to_dict("records")]


def _missing(value) -> bool:
    try:
        return value is None or bool(value != value) or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def _pred_names(row: Mapping, column: str) -> list[str]:
    """The row's canonical name first, then the surface forms it lists (aliases / terms)."""
    forms = [row.get(column)] + str(row.get("aliases") or row.get("terms") or "").split(";")
    return [n for n in dict.fromkeys(norm(f) for f in forms) if n]


def score_entities(table: str, frame, gold: Mapping[str, dict]) -> Score:
    """Precision/recall of one name table; products also get maker accuracy."""
    column = ENTITY_TABLES[table]
    score = Score(table)
    makers_right = makers_total = 0
    for doc_id, doc in gold.items():
        required = _items(doc, table, optional=False)
        optional = _items(doc, table, optional=True)
        rows = _rows(frame, doc_id)
        names = [_pred_names(row, column) for row in rows]
        # A row whose own name (not only an alias or term) is the item's is tried first.
        paired = pair(len(rows), required, lambda i, item: _find(names[i], [item]) is not None,
                      lambda i, item: (names[i][:1] != [] and names[i][0] not in _names(item), i))
        for j, item in enumerate(required):
            if j not in paired:
                score.fn += 1
                score.note(doc_id, "missed", str(item.get("name")))
            elif table == "products":
                row = rows[paired[j]]
                makers_total += 1
                right = _same_maker(row.get("maker"), item.get("maker"), doc)
                makers_right += right
                if not right:  # listed like a wrong subject: the product is found, its maker is not
                    score.note(doc_id, "missed", f"maker: {item.get('maker')!s} != {row.get('maker')!s}: {row.get(column)}")
        used = set(paired.values())
        for i, row in enumerate(rows):
            # A second row for a found item, or an optional item, is neither right nor wrong.
            if i not in used and _find(names[i], [*required, *optional]) is None:
                score.fp += 1
                score.note(doc_id, "false_positives", str(row.get(column)))
        score.tp += len(paired)
    if table == "products":
        score.extra["maker_accuracy"] = makers_right / makers_total if makers_total else 0.0
    return score


def pair(rows: int, items: list, fits, preference) -> dict[int, int]:
    """Gold item index -> row index, one to one and as many pairs as possible (each row credits
    at most one item). The best pairs by `preference(row, item)` are made first (ties in file
    order), then augmenting paths pair what is left."""
    options = [sorted((i for i in range(rows) if fits(i, item)), key=lambda i: preference(i, item)) for item in items]
    holder: dict[int, int] = {}  # row -> item
    placed: set[int] = set()
    for *_, j, i in sorted((preference(i, items[j]), j, i) for j, found in enumerate(options) for i in found):
        if i not in holder and j not in placed:
            holder[i] = j
            placed.add(j)

    def take(j: int, seen: set[int]) -> bool:
        for i in options[j]:
            if i not in seen:
                seen.add(i)
                if i not in holder or take(holder[i], seen):
                    holder[i] = j
                    return True
        return False

    for j in range(len(items)):
        if j not in placed:  # an augmenting path keeps every item it re-seats paired
            take(j, set())
    return {j: i for i, j in holder.items()}


def _find(names: list[str], items: list[Mapping]) -> int | None:
    for name in names:
        for i, item in enumerate(items):
            if name in _names(item):
                return i
    return None


def _aliases_of(name: object, doc: Mapping) -> set[str]:
    """A name plus its aliases among the gold file's companies, sources, people and products."""
    target = norm(name)
    if not target:
        return set()
    result = {target}
    for key in ("companies", "sources", "people", "products"):
        for item in [*_items(doc, key, optional=False), *_items(doc, key, optional=True)]:
            if target in _names(item):
                result |= _names(item)
    return result


def _same_maker(pred: object, gold_maker: object, doc: Mapping) -> bool:
    if not norm(gold_maker):
        return not norm(pred)
    return norm(pred) in _aliases_of(gold_maker, doc)


def names_source(pred: object, gold_name: object, doc: Mapping) -> bool:
    """Whether a returned source names the gold one (an alias counts; both empty is right)."""
    pred_n, gold_n = norm(pred), norm(gold_name)
    if not gold_n or not pred_n:
        return not gold_n and not pred_n
    aliases = _aliases_of(gold_name, doc)
    return pred_n in aliases or any(re.search(rf"\b{re.escape(a)}\b", pred_n) for a in aliases)


# -- metrics -----------------------------------------------------------------------------

def unit_class(unit: object) -> str:
    """Currency codes and percent are their own class; every counted noun is one class."""
    text = str(unit or "").strip()
    if not text:
        return ""
    if text == "percent" or (len(text) == 3 and text.isupper()):
        return text
    return "count"


def _close(pred: object, gold: object) -> bool:
    if _missing(pred) or _missing(gold):
        return False
    pred, gold = float(pred), float(gold)
    return abs(pred - gold) <= TOLERANCE * abs(gold) if gold else pred == 0


def metric_matches(pred: Mapping, gold: Mapping) -> bool:
    """Same unit class and the value within 1% (both ends for a range)."""
    if not unit_class(gold.get("unit")) or unit_class(pred.get("unit")) != unit_class(gold.get("unit")):
        return False
    if _missing(gold.get("value")):
        return _close(pred.get("value_min"), gold.get("value_min")) and _close(pred.get("value_max"), gold.get("value_max"))
    return _close(pred.get("value"), gold.get("value"))


def _same_subject(pred: object, gold: object, doc: Mapping) -> bool:
    """Right when the returned subject names the gold one, as for attribution: "Xiaomi" does
    not name "Xiaomi SU7", nor "China" a market in it."""
    return bool(norm(pred)) and bool(norm(gold)) and names_source(pred, gold, doc)


def score_metrics(frame, gold: Mapping[str, dict]) -> Score:
    score = Score("metrics")
    subjects_right = 0
    for doc_id, doc in gold.items():
        required = list(doc.get("metrics") or [])
        optional = list((doc.get("optional") or {}).get("metrics") or [])
        rows = _rows(frame, doc_id)
        # Of several rows that fit a fact, the closest value, then the most shared words, is it.
        paired = pair(len(rows), required, lambda i, g: metric_matches(rows[i], g),
                      lambda i, g: (_value_gap(rows[i], g), -len(words(g.get("text")) & words(rows[i].get("text")))))
        used = set(paired.values())
        for i, row in enumerate(rows):
            # A repeat of a matched fact, or an optional one, is neither right nor wrong.
            if i in used or any(metric_matches(row, g) for g in required + optional):
                continue
            score.fp += 1
            score.note(doc_id, "false_positives", f"{row.get('text')!s} ({_value_text(row)} {row.get('unit') or ''})")
        for j, g in enumerate(required):
            if j in paired:
                row = rows[paired[j]]
                right = _same_subject(row.get("subject"), g.get("subject"), doc)
                subjects_right += right
                if not right:  # listed like a wrong attribution: the fact is found, its subject is not
                    score.note(doc_id, "missed", f"subject: {g.get('subject')!s} != {row.get('subject')!s}: {g.get('text')}")
            else:
                score.fn += 1
                score.note(doc_id, "missed", f"{g.get('text')} ({_value_text(g)} {g.get('unit')})")
        score.tp += len(paired)
    score.extra["subject_accuracy"] = subjects_right / score.tp if score.tp else 0.0
    return score


def _value_gap(pred: Mapping, gold: Mapping) -> float:
    """How far a fitting row's value is from the gold one, relative (0 is exact)."""
    keys = ("value_min", "value_max") if _missing(gold.get("value")) else ("value",)
    return sum(abs(float(pred.get(k)) - float(gold.get(k))) / (abs(float(gold.get(k))) or 1.0) for k in keys)


def _value_text(row: Mapping) -> str:
    if _missing(row.get("value")):
        return f"{row.get('value_min')}..{row.get('value_max')}"
    return str(row.get("value"))


# -- claims ------------------------------------------------------------------------------

def score_claims(frame, gold: Mapping[str, dict]) -> Score:
    """Recall over gold claims, precision over gold plus optional, attribution on matched ones."""
    score = ClaimScore("claims")
    right_attr = matched_total = 0
    for doc_id, doc in gold.items():
        required = list(doc.get("claims") or [])
        everything = required + list((doc.get("optional") or {}).get("claims") or [])
        rows = _rows(frame, doc_id)
        for row in rows:
            if any(coverage(g.get("text"), row.get("text")) >= 0.5 for g in everything):
                score.tp += 1
            else:
                score.fp += 1
                score.note(doc_id, "false_positives", str(row.get("text")))
        for g in required:
            best = max(rows, key=lambda r: coverage(g.get("text"), r.get("text")), default=None)
            if best is not None and coverage(g.get("text"), best.get("text")) >= 0.5:
                matched_total += 1
                if names_source(best.get("attributed_to"), g.get("attributed_to"), doc):
                    right_attr += 1
                else:
                    score.note(doc_id, "missed", f"attribution: {g.get('attributed_to')!s} != {best.get('attributed_to')!s}: {g.get('text')}")
            else:
                score.note(doc_id, "missed", str(g.get("text")))
        score.extra.setdefault("gold", 0)
        score.extra["gold"] += len(required)
        score.extra.setdefault("matched", 0)
        score.extra["matched"] += sum(
            1 for g in required if any(coverage(g.get("text"), r.get("text")) >= 0.5 for r in rows)
        )
    score.fn = score.extra.get("gold", 0) - score.extra.get("matched", 0)
    score.extra["attribution_accuracy"] = right_attr / matched_total if matched_total else 0.0
    return score


class ClaimScore(Score):
    """Claims count precision over returned sentences but recall over gold claims covered."""

    @property
    def recall(self) -> float:
        gold = self.extra.get("gold", 0)
        return self.extra.get("matched", 0) / gold if gold else 0.0


# -- the whole evaluation ----------------------------------------------------------------

def score_tables(frames: Mapping, gold: Mapping[str, dict], tables: Iterable[str] = SCORED) -> dict[str, Score]:
    """Score every table present in `frames` against `gold` (only the gold's documents)."""
    scores: dict[str, Score] = {}
    for table in tables:
        frame = frames.get(table)
        if table in ENTITY_TABLES:
            scores[table] = score_entities(table, frame, gold)
        elif table == "metrics":
            scores[table] = score_metrics(frame, gold)
        elif table == "claims":
            scores[table] = score_claims(frame, gold)
    return scores


def read_predictions(folder: str | Path) -> dict:
    """Read <table>.csv files written by `chinatech extract --out DIR` (or any tool)."""
    import pandas as pd

    from .tables import conform

    frames = {}
    for table in SCORED:
        path = Path(folder) / f"{table}.csv"
        if path.exists():
            frames[table] = conform(table, pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]))
    return frames


def parse_floors(values: Iterable[str]) -> dict[str, float]:
    """--min-f1 companies=0.9 ... -> {"companies": 0.9}."""
    floors = {}
    for value in values:
        table, sep, number = value.partition("=")
        if not sep or table not in SCORED:
            raise ValueError(f"--min-f1 takes TABLE=X with TABLE one of {', '.join(SCORED)}; got '{value}'")
        try:
            floors[table] = float(number)
        except ValueError:
            raise ValueError(f"--min-f1 {value}: '{number}' is not a number") from None
    return floors


def failures(scores: Mapping[str, Score], floors: Mapping[str, float]) -> list[str]:
    return [f"{t} F1 {scores[t].f1:.3f} is below the floor {x:.3f}" for t, x in floors.items() if t in scores and scores[t].f1 < x]


def scores_json(scores: Mapping[str, Score], *, detail: bool = False) -> dict:
    out = {}
    for table, score in scores.items():
        data = score.as_dict()
        if not detail:
            data.pop("details")
        out[table] = data
    return out


def print_scores(scores: Mapping[str, Score], *, detail: bool = False, console=None) -> None:
    """A rich table of P/R/F1 and counts; with detail, every miss and false positive."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    table = Table(title="chinatech eval", title_justify="left")
    for column in ("table", "precision", "recall", "F1", "TP", "FP", "FN", "also"):
        table.add_column(column, justify="left" if column in ("table", "also") else "right")
    for name, score in scores.items():
        also = ", ".join(f"{k} {v:.2f}" for k, v in score.extra.items() if k.endswith("accuracy"))
        table.add_row(name, f"{score.precision:.2f}", f"{score.recall:.2f}", f"{score.f1:.2f}",
                      str(score.tp), str(score.fp), str(score.fn), also)
    console.print(table)
    if not detail:
        return
    for name, score in scores.items():
        for doc_id, found in sorted(score.details.items()):
            for kind, label in (("missed", "miss"), ("false_positives", "false positive")):
                for item in found[kind]:
                    # Article text may hold [brackets]: escaped, or rich would read them as markup.
                    console.print(f"[bold]{name}[/] {doc_id} {label}: {escape(item)}", highlight=False, soft_wrap=True)
