"""Accuracy floors on the gold set, just under the scores reached (raise them as accuracy
improves; never lower them to make a test pass). The gold set is a development signal:
these floors catch regressions, they do not measure how well unseen articles go."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from chinatech.cli import cli
from chinatech.evaluate import load_gold, score_tables

from .conftest import CORPUS, GOLD

F1_FLOORS = {"companies": 0.97, "products": 0.97, "people": 0.97, "metrics": 0.97, "trends": 0.92, "claims": 0.76}
EXTRA_FLOORS = {
    ("products", "maker_accuracy"): 0.95,
    # Scored since this floor was set by the README's "names" rule, as attribution is (an
    # independent implementation of the rules agreed): "China" no longer counts for "China
    # 5G pilot cities". The same extraction measures 0.87 so; the floor sits just under it.
    ("metrics", "subject_accuracy"): 0.85,
    ("claims", "attribution_accuracy"): 0.90,
}


@pytest.fixture(scope="module")
def scores(corpus_tables):
    return score_tables(dict(corpus_tables.items()), load_gold(GOLD))


@pytest.mark.parametrize("table,floor", F1_FLOORS.items())
def test_f1_floor(scores, table, floor):
    assert scores[table].f1 >= floor, f"{table} F1 {scores[table].f1:.3f} < {floor}"


@pytest.mark.parametrize("key,floor", EXTRA_FLOORS.items())
def test_accuracy_floor(scores, key, floor):
    table, measure = key
    assert scores[table].extra[measure] >= floor


def test_issue_targets(scores):
    """The issues' own targets on the gold set."""
    assert scores["claims"].recall >= 0.85 and scores["claims"].precision >= 0.5
    assert scores["trends"].recall >= 0.90 and scores["trends"].precision >= 0.75


def test_eval_command_passes_the_floors():
    args = ["eval", str(CORPUS), "--gold", str(GOLD), "--format", "json", "-q"]
    for table, floor in F1_FLOORS.items():
        args += ["--min-f1", f"{table}={floor}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
