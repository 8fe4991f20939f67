"""Trends across a corpus: candidate phrases, C-value discovery and the corpus view."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from chinatech import trendview
from chinatech.tables import to_frame
from chinatech.trendview import (
    c_values, co_mentions, corpus_trends, discover, discovered_rows, mention_rows, period_of, trends_by_period,
)


def keys(doc) -> list[str]:
    return [trendview.phrase_key(s) for s in trendview.candidate_spans(doc)]


# -- candidates ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # a concept: modifiers plus head, plural folded, a capital at the sentence start allowed
    ("Vertical farming startups raised money.", ["vertical farming startup"]),
    ("Investors like carbon accounting software.", ["carbon accounting software"]),
    # vague modifiers dropped, leaving too little
    ("The firm entered several key sectors.", []),
    # names, nationalities and numbers are not concepts
    ("Chinese regulators met three delivery firms.", []),
    # known trends are not candidates
    ("Short video platforms grew.", []),
    # one word is not a candidate
    ("Robots arrived.", []),
])
def test_candidates(parse, text, expected):
    assert keys(parse(text)) == expected


def test_mention_rows_index_sentences(parse):
    doc = parse("Blockchain pilots expanded. SenseTime tested blockchain with carbon accounting software.", doc_id="m")
    rows = sorted((r["sentence_id"], r["start_char"], r["kind"], r["name"], r["text"]) for r in mention_rows(doc))
    assert rows == [
        (0, 0, "trend", "blockchain", "Blockchain"),
        (1, 28, "candidate", "carbon accounting software", "carbon accounting software"),
        (1, 28, "company", "SenseTime", "SenseTime"),
        (1, 28, "trend", "blockchain", "blockchain"),
    ]
    assert {r["doc_id"] for r in mention_rows(doc)} == {"m"}


# -- discovery ----------------------------------------------------------------------------

def test_c_values_discount_nested_phrases():
    scores = c_values({"vertical farm": 5, "indoor vertical farm": 2, "carbon accounting": 2})
    # log2(3) * (5 - 2); the longer phrase keeps all of its count; a free phrase too
    assert scores["vertical farm"] == pytest.approx(1.58496 * 3, rel=1e-4)
    assert scores["indoor vertical farm"] == pytest.approx(2.0 * 2)
    assert scores["carbon accounting"] == pytest.approx(1.58496 * 2, rel=1e-4)


def candidate(doc_id: str, name: str, text: str | None = None, sentence: int = 0) -> dict:
    return {"doc_id": doc_id, "sentence_id": sentence, "start_char": sentence * 10, "kind": "candidate",
            "name": name, "text": text or name}


MENTIONS = [
    candidate("a", "vertical farming", "Vertical farming"), candidate("a", "vertical farming", sentence=2),
    candidate("b", "vertical farming", "vertical farming", 1), candidate("b", "carbon accounting", sentence=3),
    candidate("b", "carbon accounting", sentence=4), candidate("c", "deep dive"),
    {"doc_id": "a", "sentence_id": 2, "start_char": 20, "kind": "company", "name": "Acme", "text": "Acme"},
    {"doc_id": "a", "sentence_id": 2, "start_char": 20, "kind": "trend", "name": "robotics", "text": "robots"},
]


def test_discover_ranks_and_scores():
    rows = discover(MENTIONS)
    assert rows == [
        {"trend": "vertical farming", "key": "vertical farming", "documents": 2, "mentions": 3,
         "terms": "vertical farming", "category": "", "source": "discovered", "score": 1.0},
        {"trend": "carbon accounting", "key": "carbon accounting", "documents": 1, "mentions": 2,
         "terms": "carbon accounting", "category": "", "source": "discovered", "score": 0.667},
    ]


@pytest.mark.parametrize("options, expected", [
    ({"min_count": 1}, ["vertical farming", "carbon accounting", "deep dive"]),
    ({"min_docs": 2}, ["vertical farming"]),
    ({"top": 1}, ["vertical farming"]),
])
def test_discover_options(options, expected):
    assert [r["trend"] for r in discover(MENTIONS, **options)] == expected


def test_discovered_rows_fit_the_trends_table():
    rows = discovered_rows(MENTIONS, discover(MENTIONS))
    frame = to_frame("trends", rows)
    expected = to_frame("trends", [
        {"doc_id": "a", "trend": "vertical farming", "mentions": 2, "terms": "vertical farming", "category": "",
         "source": "discovered", "first_sentence_id": 0, "score": 1.0},
        {"doc_id": "b", "trend": "vertical farming", "mentions": 1, "terms": "vertical farming", "category": "",
         "source": "discovered", "first_sentence_id": 1, "score": 1.0},
        {"doc_id": "b", "trend": "carbon accounting", "mentions": 2, "terms": "carbon accounting",
         "category": "", "source": "discovered", "first_sentence_id": 3, "score": 0.667},
    ])
    assert_frame_equal(frame, expected)


def test_discovery_end_to_end(parse):
    docs = [parse("Vertical farming startups raised money. Many vertical farming startups failed.", doc_id="a"),
            parse("Vertical farming startups are back.", doc_id="b")]
    mentions = [row for doc in docs for row in mention_rows(doc)]
    assert [(r["trend"], r["documents"], r["mentions"]) for r in discover(mentions)] == [
        ("vertical farming startups", 2, 3)]


# -- the corpus view ----------------------------------------------------------------------

@pytest.mark.parametrize("date, period, expected", [
    ("2019-07-02", "year", "2019"), ("2019-07-02", "month", "2019-07"), ("2019-07-02", "quarter", "2019-Q3"),
    ("2019", "quarter", "2019"), (None, "year", ""), ("", "year", ""), (pd.NA, "year", ""),
    (float("nan"), "year", ""), ("unknown", "year", ""),
])
def test_period_of(date, period, expected):
    assert period_of(date, period) == expected


def test_period_of_rejects_unknown_periods():
    with pytest.raises(ValueError, match="period must be"):
        period_of("2019-07-02", "decade")


def trend_row(doc_id, trend, mentions, category="AI", source="taxonomy", score=0.5):
    return {"doc_id": doc_id, "trend": trend, "mentions": mentions, "terms": trend, "category": category,
            "source": source, "first_sentence_id": 0, "score": score}


TRENDS = to_frame("trends", [
    trend_row("a", "robotics", 2), trend_row("b", "robotics", 1, score=0.75), trend_row("c", "robotics", 1),
    trend_row("b", "fintech", 3, category="fintech"),
])
COMPANIES = to_frame("companies", [
    {"doc_id": d, "company": c, "mentions": 1} for d, c in [("a", "Acme"), ("b", "Acme"), ("b", "Globex"), ("c", "Initech")]
])
DOCUMENTS = to_frame("documents", [
    {"doc_id": "a", "date": "2018-03-01"}, {"doc_id": "b", "date": "2019-11-30"}, {"doc_id": "c", "date": None},
])
COLUMNS = trendview.CORPUS_COLUMNS


def test_corpus_trends_by_document():
    expected = pd.DataFrame([
        ["robotics", "AI", "taxonomy", 3, 1.0, 4, "Acme (2); Globex (1); Initech (1)", "2018-03-01",
         "2019-11-30", "2018: 1; 2019: 1", 0.583],
        ["fintech", "fintech", "taxonomy", 1, 0.333, 3, "Acme (1); Globex (1)", "2019-11-30", "2019-11-30",
         "2019: 1", 0.5],
    ], columns=COLUMNS)
    assert_frame_equal(corpus_trends(TRENDS, COMPANIES, DOCUMENTS), expected)


def test_cited_sources_are_not_a_trends_companies(parse):
    with_source = to_frame("companies", [*COMPANIES.to_dict("records"),
                                         {"doc_id": "b", "company": "Quanta Insights", "mentions": 3, "role": "source"}])
    out = corpus_trends(TRENDS, with_source, DOCUMENTS)
    assert "Quanta" not in " ".join(out["companies"])
    rows = mention_rows(parse("Robotics is booming at Orvel Labs, according to Quanta Insights."))
    assert {r["name"] for r in rows if r["kind"] == "company"} == {"Orvel Labs"}


def test_corpus_trends_companies_in_the_same_sentences():
    mentions = [
        {"doc_id": "a", "start_char": 0, "kind": "trend", "name": "robotics"},
        {"doc_id": "a", "start_char": 0, "kind": "company", "name": "Acme"},
        {"doc_id": "a", "start_char": 50, "kind": "company", "name": "Globex"},
        {"doc_id": "b", "start_char": 7, "kind": "trend", "name": "robotics"},
        {"doc_id": "b", "start_char": 7, "kind": "company", "name": "Acme"},
    ]
    out = corpus_trends(TRENDS, COMPANIES, DOCUMENTS, mentions=mentions, top_companies=1)
    assert out.set_index("trend")["companies"].to_dict() == {"robotics": "Acme (2)", "fintech": ""}


def test_co_mentions_count_sentences():
    counts = co_mentions(MENTIONS)
    assert counts["robotics"] == {"Acme": 1}
    assert counts["vertical farming"] == {"Acme": 1}


def test_corpus_trends_with_discovered():
    out = corpus_trends(TRENDS, COMPANIES, DOCUMENTS, mentions=MENTIONS, discovered=discover(MENTIONS))
    found = out[out["source"] == "discovered"].set_index("trend")
    assert found.loc["vertical farming", "documents"] == 2
    assert found.loc["vertical farming", "companies"] == "Acme (1)"
    assert found.loc["carbon accounting", "by_period"] == "2019: 1"


def test_corpus_trends_empty():
    out = corpus_trends(to_frame("trends", []), to_frame("companies", []), to_frame("documents", []))
    assert list(out.columns) == COLUMNS and len(out) == 0


def test_trends_by_period():
    expected = pd.DataFrame([["robotics", "2018", 1, 2], ["fintech", "2019", 1, 3], ["robotics", "2019", 1, 1]],
                            columns=["trend", "period", "documents", "mentions"]).astype({"trend": "string"})
    out = trends_by_period(TRENDS, DOCUMENTS)
    assert_frame_equal(out.astype({"documents": "int64", "mentions": "int64"}), expected)


def test_corpus_view_of_the_real_pipeline(parse):
    docs = [parse("SenseTime bets on robotics. Robots and blockchain.", doc_id="r1", date="2020-05-01"),
            parse("Industrial robots spread. CATL invested in robotics.", doc_id="r2", date="2021-02-01")]
    from chinatech.components.trends import trend_rows
    from chinatech.components.entities import company_rows
    trends = to_frame("trends", [r for d in docs for r in trend_rows(d)])
    companies = to_frame("companies", [r for d in docs for r in company_rows(d)])
    documents = to_frame("documents", [{"doc_id": "r1", "date": "2020-05-01"}, {"doc_id": "r2", "date": "2021-02-01"}])
    mentions = [r for d in docs for r in mention_rows(d)]
    out = corpus_trends(trends, companies, documents, mentions=mentions).set_index("trend")
    assert out.loc["robotics", ["documents", "mentions", "companies", "by_period"]].tolist() == [
        2, 4, "CATL (1); SenseTime (1)", "2020: 1; 2021: 1"]
