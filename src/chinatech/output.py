"""Writers: rich tables for a terminal; csv / tsv / json / jsonl / markdown for pipes and files.

Files are written atomically (temporary file, then rename), so an interrupted run never
leaves a half-written table behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

if TYPE_CHECKING:  # imported where frames are handled (see tables.py)
    import pandas as pd

TEXT_FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")
FILE_FORMATS = (*TEXT_FORMATS, "parquet", "sqlite")
FORMATS = ("table", *TEXT_FORMATS)
EXTENSIONS = {"csv": "csv", "tsv": "tsv", "json": "json", "jsonl": "jsonl", "markdown": "md", "parquet": "parquet", "sqlite": "db"}
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts with None for missing values (JSON-ready, deterministic)."""
    out = []
    for row in frame.itertuples(index=False):
        out.append({col: _plain(value) for col, value in zip(frame.columns, row)})
    return out


def _plain(value):
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix cells that a spreadsheet would run as formulas with a quote (--safe-csv)."""
    frame = frame.copy()
    for column in frame.columns:
        if str(frame[column].dtype) == "string":
            frame[column] = frame[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
            ).astype("string")
    return frame


def _format_number(value: float) -> str:
    return str(_plain(value))


def to_delimited(frame: pd.DataFrame, *, sep: str = ",", safe: bool = False) -> str:
    if safe:
        frame = neutralise(frame)
    plain = frame.astype(object).map(lambda v: "" if _plain(v) is None else _plain(v))
    return plain.to_csv(index=False, sep=sep, lineterminator="\n")


def to_json(frames: Mapping[str, pd.DataFrame]) -> str:
    data = {name: records(frame) for name, frame in frames.items()}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(frame: pd.DataFrame, *, table: str | None = None) -> str:
    lines = []
    for row in records(frame):
        if table:
            row = {"table": table, **row}
        lines.append(json.dumps(row, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def to_markdown(frame: pd.DataFrame) -> str:
    def cell(value) -> str:
        value = _plain(value)
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join(" ---: " if _is_numeric(frame[c]) else " --- " for c in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


def _is_numeric(series: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def render(frames: Mapping[str, pd.DataFrame], fmt: str, *, safe_csv: bool = False) -> str:
    """Text of one or more tables in a text format (csv/tsv need exactly one table)."""
    single = len(frames) == 1
    if fmt in ("csv", "tsv"):
        if not single:
            raise ValueError("csv and tsv hold one table")
        (frame,) = frames.values()
        return to_delimited(frame, sep="," if fmt == "csv" else "\t", safe=safe_csv)
    if fmt == "json":
        if single:
            (frame,) = frames.values()
            return json.dumps(records(frame), ensure_ascii=False, indent=2) + "\n"
        return to_json(frames)
    if fmt == "jsonl":
        return "".join(to_jsonl(f, table=None if single else n) for n, f in frames.items())
    if fmt == "markdown":
        if single:
            (frame,) = frames.values()
            return to_markdown(frame)
        return "\n".join(f"## {name}\n\n{to_markdown(frame)}" for name, frame in frames.items())
    raise ValueError(f"unknown format {fmt}")


# Columns that hold prose wrap; everything else (ids, numbers, codes) stays on one line.
WRAPPING = {"title", "text", "aliases", "terms", "measure", "subject", "object", "source", "organization", "role"}


def _cell(value, quantity: bool) -> str:
    """Quantities (float columns) get thousands separators; ids and offsets stay plain."""
    value = _plain(value)
    if value is None:
        return ""
    if quantity and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
    return str(value)


def print_rich(frames: Mapping[str, pd.DataFrame], *, console=None, max_width: int = 60) -> None:
    """One rich table per table, numbers right-aligned with separators; NO_COLOR is honoured
    by rich itself. Columns empty in every row are left out of the view and named below it."""
    import pandas as pd

    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    for name, frame in frames.items():
        shown = [c for c in frame.columns if frame[c].notna().any()] or list(frame.columns)
        hidden = [c for c in frame.columns if c not in shown]
        notes = [f"empty columns not shown: {', '.join(hidden)}"] if hidden else []
        shown, cut = _fit(frame, _by_view(name, shown), console.width)
        if cut:
            notes.append(f"too wide for this terminal, not shown: {', '.join(cut)} (see --format csv)")
        caption = "\n".join(notes) or None
        table = Table(title=f"{name} ({len(frame)} rows)", title_justify="left", caption=caption, caption_justify="left")
        numeric = {c: _is_numeric(frame[c]) for c in shown}
        for column in shown:
            wraps = column in WRAPPING
            # A long name in a one-line column must not squeeze the text column to nothing.
            widest = max_width if wraps else (None if numeric[column] or column == "doc_id" else MAX_CELL)
            table.add_column(column, justify="right" if numeric[column] else "left", no_wrap=not wraps,
                             overflow="fold" if wraps else "ellipsis", max_width=widest,
                             min_width=_least(column) if wraps else None,
                             ratio=3 if column in ("text", "title") else (1 if wraps else None))
        quantity = {c: pd.api.types.is_float_dtype(frame[c]) for c in shown}
        for row in frame[shown].itertuples(index=False):
            table.add_row(*(_cell(v, quantity[c]) for c, v in zip(shown, row)))
        console.print(table)


# Narrowest readable width of a wrapping column (prose columns twice that), and the widest a
# one-line text column is shown.
MIN_WRAP, MAX_CELL = 12, 20
PROSE = {"text", "title"}


def _least(column: str) -> int:
    return 2 * MIN_WRAP if column in PROSE else MIN_WRAP


def _by_view(table: str, columns: list[str]) -> list[str]:
    """The table's view columns first, in their order of importance, then the rest."""
    from .tables import SCHEMAS

    view = [c for c in (SCHEMAS[table].view if table in SCHEMAS else ()) if c in columns]
    return [*view, *(c for c in columns if c not in view)]


def _fit(frame: pd.DataFrame, columns: list[str], width: int) -> tuple[list[str], list[str]]:
    """The leading columns (most telling first, see _by_view) that fit `width`, and the rest.
    A table squeezed past that shows every cell as an ellipsis."""
    def need(column: str) -> int:
        values = frame[column].dropna().head(200)
        cells = int(values.astype(str).str.len().max()) if len(values) else 0
        content = _least(column) if column in WRAPPING else min(max(cells, 1), MAX_CELL)
        return max(len(column), content) + 3  # padding and the rule between columns

    kept, used = [], 1
    for column in columns:
        wanted = need(column)
        if kept and used + wanted > width and len(kept) >= 3:
            break
        kept.append(column)
        used += wanted
    return kept, columns[len(kept):]


# -- files -------------------------------------------------------------------------------

def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp) and rename tmp over path, so readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_tables(frames: Mapping[str, pd.DataFrame], out: Path, *, format: str = "csv", safe_csv: bool = False) -> list[Path]:
    """Write each table to out/<table>.<ext> (sqlite: one out/chinatech.db); returns the paths."""
    if format not in FILE_FORMATS:
        raise ValueError(f"unknown format {format}")
    out.mkdir(parents=True, exist_ok=True)
    if format == "sqlite":
        from .exports import write_sqlite

        path = out / "chinatech.db"
        atomic_write(path, lambda tmp: write_sqlite(frames, tmp))
        return [path]
    written = []
    for name, frame in frames.items():
        path = out / f"{name}.{EXTENSIONS[format]}"
        if format == "parquet":
            atomic_write(path, lambda tmp, f=frame: f.to_parquet(tmp, index=False))
        else:
            write_text(path, render({name: frame}, format, safe_csv=safe_csv))
        written.append(path)
    return written


def check_writable(out: Path) -> None:
    """Fail before any work when out/ cannot be created or written."""
    from .errors import ChinatechError

    target = out
    while not target.exists():
        target = target.parent
    if not target.is_dir() or not os.access(target, os.W_OK | os.X_OK):
        raise ChinatechError(f"cannot write to {out}: {target} is not a writable folder")
