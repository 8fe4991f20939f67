from __future__ import annotations

import pytest

from chinatech.evaluate import (
    coverage, failures, load_gold, metric_matches, names_source, norm, parse_floors, score_tables,
)
from chinatech.tables import to_frame

from .conftest import GOLD

GOLD_DOC = {
    "d": {
        "doc_id": "d",
        "companies": [{"name": "ByteDance", "aliases": ["Bytedance"]}, {"name": "Tencent Holdings"}, {"name": "Go-Jek"}],
        "sources": [{"name": "China Internet Report 2019", "aliases": ["the report"]}],
        "products": [{"name": "WeChat", "maker": "Tencent"}, {"name": "TikTok", "maker": "ByteDance"}],
        "people": [{"name": "Edith Yeung", "aliases": ["Yeung"]}],
        "metrics": [
            {"text": "$172M", "value": 172000000, "unit": "USD"},
            {"text": "shrunk 4%", "value": -4, "unit": "percent"},
            {"text": "40 to 60 million units", "value": None, "value_min": 40e6, "value_max": 60e6, "unit": "units"},
        ],
        "trends": [{"name": "super app", "aliases": ["super-app"]}],
        "claims": [
            {"text": "Douyin topped the download charts for six straight months", "attributed_to": None},
            {"text": "China holds the most 5G patents in the world", "attributed_to": "China Internet Report 2019"},
        ],
        "optional": {"companies": [{"name": "Apple"}], "metrics": [{"text": "two", "value": 2, "unit": "years"}],
                     "claims": [{"text": "An optional claim about something else entirely"}]},
    }
}


def frames(**tables):
    return {name: to_frame(name, [{"doc_id": "d", **row} for row in rows]) for name, rows in tables.items()}


@pytest.mark.parametrize("a,b", [("The Tencent Holdings Ltd.", "tencent"), ("Go-jek", "gojek"), ("ByteDance", "bytedance"),
                                 ("China’s", "chinas")])
def test_norm(a, b):
    assert norm(a) == b


def test_companies_aliases_optional_sources_and_duplicates():
    scores = score_tables(frames(companies=[
        {"company": "Bytedance"}, {"company": "ByteDance Ltd"},  # one gold item, counted once
        {"company": "Tencent"},  # suffix dropped from the gold name
        {"company": "Apple"}, {"company": "China Internet Report 2019"},  # optional / source: ignored
        {"company": "IoT"},  # false positive
    ]), GOLD_DOC, tables=["companies"])
    s = scores["companies"]
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
    assert s.details["d"] == {"missed": ["Go-Jek"], "false_positives": ["IoT"]}


def test_surface_aliases_of_a_prediction_count():
    s = score_tables(frames(companies=[{"company": "GoTo", "aliases": "Go-jek;GoTo"}]), GOLD_DOC, tables=["companies"])["companies"]
    assert s.tp == 1


def test_products_maker_accuracy():
    s = score_tables(frames(products=[{"product": "WeChat", "maker": "Tencent"}, {"product": "TikTok", "maker": "Tencent"}]),
                     GOLD_DOC, tables=["products"])["products"]
    assert (s.tp, s.fp, s.fn, s.extra["maker_accuracy"]) == (2, 0, 0, 0.5)


def test_metrics_ranges_negatives_units_and_optional():
    s = score_tables(frames(metrics=[
        {"text": "$172M", "value": 171e6, "unit": "USD"},  # within 1%
        {"text": "$172M", "value": 172e6, "unit": "USD"},  # repeat: neither right nor wrong
        {"text": "4%", "value": 4, "unit": "percent"},  # wrong sign: a false positive, and a miss
        {"text": "40-60m", "value_min": 40e6, "value_max": 60.3e6, "unit": "smartphones"},  # any counted noun
        {"text": "two", "value": 2, "unit": "years"},  # optional
    ]), GOLD_DOC, tables=["metrics"])["metrics"]
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)


@pytest.mark.parametrize("pred,ok", [
    ({"value": 172e6, "unit": "CNY"}, False), ({"value": 174e6, "unit": "USD"}, False), ({"value": 172e6, "unit": ""}, False),
])
def test_metric_unit_and_tolerance(pred, ok):
    assert metric_matches(pred, {"value": 172e6, "unit": "USD"}) is ok


def test_claims_half_the_words_and_attribution():
    s = score_tables(frames(claims=[
        {"text": "Today China holds the most 5G patents, according to the report.", "attributed_to": "the report"},
        {"text": "Douyin topped the download charts for six straight months.", "attributed_to": "Some One"},
        {"text": "An optional claim about something else entirely.", "attributed_to": ""},
        {"text": "Nothing to do with any gold sentence here.", "attributed_to": ""},
    ]), GOLD_DOC, tables=["claims"])["claims"]
    assert (s.tp, s.fp) == (3, 1)
    assert s.recall == 1.0 and s.precision == 0.75
    assert s.extra["attribution_accuracy"] == 0.5


def test_names_source_rules():
    doc = GOLD_DOC["d"]
    assert names_source("Proof of Capital’s Edith Yeung", "Edith Yeung", doc)
    assert names_source("Yeung", "Edith Yeung", doc)
    assert names_source("", None, doc)
    assert not names_source("Someone", None, doc)


def test_coverage():
    assert coverage("a b c d", "a b x") == 0.5


def test_floors():
    assert parse_floors(["companies=0.9"]) == {"companies": 0.9}
    with pytest.raises(ValueError, match="TABLE=X"):
        parse_floors(["widgets=1"])
    s = score_tables(frames(companies=[{"company": "IoT"}]), GOLD_DOC, tables=["companies"])
    assert failures(s, {"companies": 0.99}) == ["companies F1 0.000 is below the floor 0.990"]


def test_vendored_gold_loads():
    gold = load_gold(GOLD)
    assert len(gold) == 5 and all(doc.get("claims") for doc in gold.values())


def test_twin_facts_pair_by_value_then_words_and_subjects_must_name_the_gold():
    doc = {"d": {"doc_id": "d", "companies": [{"name": "Xiaomi"}], "products": [{"name": "Xiaomi SU7", "maker": "Xiaomi"}],
                 "metrics": [{"text": "20,000 SU7 cars", "value": 20000, "unit": "cars", "subject": "Xiaomi SU7"},
                             {"text": "20,100 vehicles", "value": 20100, "unit": "vehicles", "subject": "Xiaomi"}]}}
    s = score_tables(frames(metrics=[
        {"text": "20,100 vehicles", "value": 20100, "unit": "vehicles", "subject": "Xiaomi"},  # fits both: the exact one
        {"text": "20,000 SU7 cars", "value": 20000, "unit": "cars", "subject": "Xiaomi"},  # "Xiaomi" names not the SU7
    ]), doc, tables=["metrics"])["metrics"]
    assert (s.tp, s.fp, s.fn, s.extra["subject_accuracy"]) == (2, 0, 0, 0.5)


def test_one_row_credits_one_item_and_pairing_is_as_large_as_possible():
    doc = {"d": {"doc_id": "d", "trends": [{"name": "data security"}, {"name": "cybersecurity review"}]}}
    s = score_tables(frames(trends=[
        {"trend": "data security", "terms": "data security;cybersecurity review"},  # names both; takes one
        {"trend": "big data", "terms": "data security"},  # names only the first
    ]), doc, tables=["trends"])["trends"]
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)


def test_an_independent_implementation_of_the_gold_rules_agrees(corpus_tables, tmp_path):
    """Issue 4: the numbers agree with a scorer written from the gold README alone."""
    from chinatech.evaluate import scores_json

    from .independent_scorer import score

    corpus_tables.to_dir(tmp_path, format="csv")
    theirs = score(str(tmp_path), str(GOLD))
    ours = scores_json(score_tables(corpus_tables.frames, load_gold(GOLD)))
    extras = {"products": "maker_accuracy", "metrics": "subject_accuracy", "claims": "attribution_accuracy"}
    assert set(theirs) == {"companies", "products", "people", "metrics", "trends", "claims"}
    for table, measured in theirs.items():
        for key in ("precision", "recall", "f1", *([extras[table]] if table in extras else [])):
            assert abs(measured[key] - ours[table][key]) <= 0.01, (table, key, measured[key], ours[table][key])
