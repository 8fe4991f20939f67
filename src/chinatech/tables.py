"""The declared schema of every table (columns, dtypes, order) and rows -> DataFrame.

This is the one place a table's shape is defined: outputs, the SQLite writer and the
evaluation all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

if TYPE_CHECKING:  # pandas loads when a frame is built: a parallel run's parent imports it
    import pandas as pd  # while its workers parse, not before it starts them

# pandas nullable dtypes, so an empty cell stays empty (not NaN-as-float or "None").
STR, INT, FLOAT, BOOL = "string", "Int64", "Float64", "boolean"


@dataclass(frozen=True)
class Schema:
    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]  # sort order: makes output deterministic
    description: str = ""
    # The columns a narrow terminal shows first, most telling first (default: schema order).
    view: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        return dict(self.columns)


SCHEMAS: dict[str, Schema] = {s.name: s for s in (
    Schema("documents", (
        ("doc_id", STR), ("title", STR), ("author", STR), ("date", STR), ("words", INT),
        ("sentences", INT), ("boilerplate_lines", INT), ("source", STR),
    ), key=("doc_id",), description="one row per article: metadata and size"),
    Schema("companies", (
        ("doc_id", STR), ("company", STR), ("mentions", INT), ("aliases", STR), ("country", STR),
        ("first_char", INT), ("role", STR), ("sector", STR),
    ), key=("doc_id", "first_char", "company"), description="companies, investors and cited publishers per article"),
    Schema("products", (
        ("doc_id", STR), ("product", STR), ("maker", STR), ("mentions", INT), ("aliases", STR),
        ("first_char", INT),
    ), key=("doc_id", "first_char", "product"), description="named products, apps and platforms with their maker"),
    Schema("people", (
        ("doc_id", STR), ("person", STR), ("role", STR), ("organization", STR), ("mentions", INT),
        ("first_char", INT),
    ), key=("doc_id", "first_char", "person"), description="named people with role and organisation"),
    Schema("metrics", (
        ("doc_id", STR), ("sentence_id", INT), ("text", STR), ("value", FLOAT), ("value_min", FLOAT),
        ("value_max", FLOAT), ("unit", STR), ("qualifier", STR), ("subject", STR), ("measure", STR),
        ("period", STR), ("start_char", INT), ("end_char", INT), ("group_id", STR), ("check", STR),
    ), key=("doc_id", "start_char", "end_char"), description="every quantitative fact, normalised",
       view=("doc_id", "text", "value", "unit", "subject", "measure", "period", "qualifier", "value_min", "value_max")),
    Schema("trends", (
        ("doc_id", STR), ("trend", STR), ("mentions", INT), ("terms", STR), ("category", STR),
        ("source", STR), ("first_sentence_id", INT), ("score", FLOAT),
    ), key=("doc_id", "first_sentence_id", "trend"), description="technology and business trends per article"),
    Schema("claims", (
        ("doc_id", STR), ("sentence_id", INT), ("text", STR), ("subject", STR), ("claim_type", STR),
        ("attributed_to", STR), ("hedged", BOOL), ("start_char", INT), ("end_char", INT),
        ("predicate", STR), ("object", STR), ("source_type", STR), ("negated", BOOL), ("score", FLOAT),
    ), key=("doc_id", "start_char", "end_char"), description="check-worthy assertions with who made them",
       view=("doc_id", "text", "attributed_to", "claim_type", "subject", "hedged", "negated", "score")),
)}

TABLES: tuple[str, ...] = tuple(SCHEMAS)


def to_frame(name: str, rows: Iterable[Mapping]) -> pd.DataFrame:
    """Rows -> a DataFrame with exactly the declared columns, dtypes and sort order."""
    import pandas as pd

    schema = SCHEMAS[name]
    frame = pd.DataFrame.from_records(list(rows), columns=schema.names)
    frame = frame.astype(schema.dtypes)
    # An empty cell is missing, in every format alike (CSV cannot tell "" from null).
    for column, dtype in schema.columns:
        if dtype == STR:
            frame[column] = frame[column].mask(frame[column] == "")
    frame = frame.sort_values(list(schema.key), kind="stable", na_position="first", ignore_index=True)
    return frame


def empty(name: str) -> pd.DataFrame:
    return to_frame(name, [])


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Coerce a frame read back from a file to the declared schema (missing columns empty)."""
    import pandas as pd

    schema = SCHEMAS[name]
    frame = frame.reindex(columns=schema.names)
    for column, dtype in schema.columns:
        if dtype == BOOL and not pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].astype(object).map(_to_bool)
        if dtype == STR:
            frame[column] = frame[column].astype("string")
    return frame.astype(schema.dtypes)


def _to_bool(value):
    if isinstance(value, str):
        return {"true": True, "false": False, "1": True, "0": False}.get(value.strip().lower())
    import pandas as pd

    if value is None or value is pd.NA or value != value:
        return None
    return bool(value)
