from __future__ import annotations

import pandas as pd
import pytest

from chinatech.tables import SCHEMAS, TABLES, conform, to_frame

# The column contract: these columns, in this order, start every table.
REQUIRED = {
    "documents": ["doc_id", "title", "author", "date", "words", "sentences", "boilerplate_lines"],
    "companies": ["doc_id", "company", "mentions", "aliases", "country", "first_char"],
    "products": ["doc_id", "product", "maker", "mentions", "aliases"],
    "people": ["doc_id", "person", "role", "organization", "mentions"],
    "metrics": ["doc_id", "sentence_id", "text", "value", "value_min", "value_max", "unit", "qualifier",
                "subject", "measure", "period", "start_char", "end_char"],
    "trends": ["doc_id", "trend", "mentions", "terms"],
    "claims": ["doc_id", "sentence_id", "text", "subject", "claim_type", "attributed_to", "hedged",
               "start_char", "end_char"],
}


def test_seven_tables_in_order():
    assert TABLES == ("documents", "companies", "products", "people", "metrics", "trends", "claims")


@pytest.mark.parametrize("name", TABLES)
def test_required_columns_lead_each_schema(name):
    assert SCHEMAS[name].names[: len(REQUIRED[name])] == REQUIRED[name]


def test_to_frame_sorts_and_types():
    frame = to_frame("companies", [
        {"doc_id": "b", "company": "X", "mentions": 1, "first_char": 5},
        {"doc_id": "a", "company": "Y", "mentions": 2, "first_char": 9},
    ])
    assert list(frame["doc_id"]) == ["a", "b"]
    assert str(frame["mentions"].dtype) == "Int64" and str(frame["company"].dtype) == "string"
    assert frame["country"].isna().all()


def test_conform_restores_schema_from_strings():
    frame = to_frame("claims", [{"doc_id": "a", "sentence_id": 1, "text": "t", "hedged": True, "start_char": 0, "end_char": 1}])
    as_text = frame.astype(str).replace("<NA>", None)
    pd.testing.assert_frame_equal(conform("claims", as_text), frame)
