"""Batch reports: the extracted tables -> one self-contained HTML page and a GitHub Markdown file.

The report reads only the tables (never the articles), so it can be rebuilt from exported
files too. Charts are matplotlib SVG, inlined in the HTML and written next to the Markdown.
matplotlib was chosen by measurement over Altair + vl-convert and Plotly: on the bundled
corpus its three charts come to about 65 KB of SVG, drawn in about 0.3 s, with text kept as
text; it needs no JavaScript (Plotly's inlined library alone makes a 4.7 MB page) and no
bundled JavaScript runtime (vl-convert is 84 MB installed), and with a fixed hash salt its
SVG is byte-for-byte stable.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from . import __version__
from .output import write_text
from .tables import empty

FORMATS = ("html", "md")
TOP_COMPANIES = 5  # per digest
TOP_METRICS = 5  # per digest
TOP_CLAIMS = 3  # per digest
TOP_TRENDS = 5  # per digest
TABLE_ROWS = 50  # corpus tables: the full data is in `chinatech extract`'s exports
CHART_COMPANIES = 15
CHART_TRENDS = 25
CHART_DOCUMENTS = 40
CHART_SUBJECTS = 12
LABEL_CHARS = 32
NO_SUBJECT = "(no subject)"


# -- the report's content, computed once for every format --------------------------------------

@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    caption: str
    svg: str  # a bare <svg> element, sized by its viewBox


@dataclass(frozen=True)
class Digest:
    number: int
    doc_id: str
    title: str
    author: str
    date: str
    words: int | None
    source: str
    companies: list[tuple[str, int]]
    metrics: list[dict]
    claims: list[dict]
    trends: list[str]


@dataclass
class Report:
    overview: dict[str, str]
    documents: pd.DataFrame
    digests: list[Digest]
    companies: pd.DataFrame
    metrics: pd.DataFrame
    trends: pd.DataFrame
    totals: dict[str, int]
    charts: dict[str, Chart] = field(default_factory=dict)


def write_report(tables, out_dir: Path, *, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write report.html and/or report.md (with its chart SVGs) into out_dir; returns the files.

    Args:
        tables: a `chinatech.extraction.Tables` or any mapping of table name -> DataFrame;
            a missing table counts as empty.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    report = build_report(tables)
    written: list[Path] = []
    if "html" in formats:
        path = out_dir / "report.html"
        write_text(path, render_html(report))
        written.append(path)
    if "md" in formats:
        links = {}
        for chart in report.charts.values():
            svg_path = out_dir / f"report-{chart.slug}.svg"
            write_text(svg_path, _standalone_svg(chart.svg))
            links[chart.slug] = svg_path.name
            written.append(svg_path)
        path = out_dir / "report.md"
        write_text(path, render_markdown(report, links))
        written.append(path)
    return written


def build_report(tables) -> Report:
    """Every number, row and chart the report shows."""
    frames = {name: _table(tables, name) for name in
              ("documents", "companies", "products", "people", "metrics", "trends", "claims")}
    documents = frames["documents"].reset_index(drop=True)
    numbers = {doc_id: i + 1 for i, doc_id in enumerate(documents["doc_id"])}
    # Plain dicts, split by document once: per-row pandas calls would make a report over
    # thousands of articles take minutes.
    rows = {name: list(_rows(frame)) for name, frame in frames.items()}
    by_doc: dict[str, dict[str, list[dict]]] = {}
    for name, table_rows in rows.items():
        for row in table_rows:
            by_doc.setdefault(name, {}).setdefault(row["doc_id"], []).append(row)
    companies = company_summary(rows["companies"], numbers)
    trends = trend_summary(rows["trends"], numbers)
    report = Report(
        overview=overview(documents),
        documents=documents.assign(number=range(1, len(documents) + 1)),
        digests=[digest(i + 1, row, by_doc) for i, row in enumerate(rows["documents"])],
        companies=companies,
        metrics=metric_groups(rows["metrics"], numbers),
        trends=trends,
        totals={
            "companies": len(companies), "products": len({r["product"] for r in rows["products"]}),
            "people": len({r["person"] for r in rows["people"]}), "metrics": len(rows["metrics"]),
            "trends": len(trends), "claims": len(rows["claims"]),
        },
    )
    report.charts = charts(frames, companies, trends, numbers)
    return report


def _table(tables, name: str) -> pd.DataFrame:
    try:
        frame = tables[name]
    except (KeyError, AttributeError):
        return empty(name)
    return empty(name) if frame is None else frame


def _rows(frame: pd.DataFrame) -> Iterable[dict]:
    """Rows as dicts with None for missing values, so `or ""` works on every cell."""
    columns = list(frame.columns)
    for values in zip(*(frame[c].astype(object).tolist() for c in columns)):
        yield {c: (None if _missing(v) else v) for c, v in zip(columns, values)}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def overview(documents: pd.DataFrame) -> dict[str, str]:
    """Headline numbers: documents, date range, words, authors."""
    dates = sorted(str(d) for d in documents["date"].tolist() if not _missing(d) and str(d).strip())
    words = sum(int(w) for w in documents["words"].tolist() if not _missing(w))
    authors = {a for a in documents["author"].tolist() if not _missing(a) and str(a).strip()}
    if not dates:
        span = "none"
    elif dates[0] == dates[-1]:
        span = dates[0]
    else:
        span = f"{dates[0]} to {dates[-1]}"
    return {
        "documents": f"{len(documents):,}",
        "dates": span,
        "undated": f"{len(documents) - len(dates):,}",
        "words": f"{words:,}",
        "authors": f"{len(authors):,}",
    }


def lede(report: Report) -> str:
    o = report.overview
    dates = "" if o["dates"] == "none" else f" · {o['dates']}"
    return f"{o['documents']} documents{dates} · {o['words']} words"


# -- per-article digests -------------------------------------------------------------------------

Rows = Sequence[Mapping]


def digest(number: int, document: Mapping, by_doc: Mapping[str, Mapping[str, Rows]]) -> Digest:
    """One article's digest: who it names, its key numbers and its strongest claims."""
    doc_id = document["doc_id"]

    def of(name: str) -> Rows:
        return by_doc.get(name, {}).get(doc_id, [])

    return Digest(
        number=number, doc_id=doc_id, title=document["title"] or "", author=document["author"] or "",
        date=document["date"] or "", words=document["words"], source=document["source"] or "",
        companies=top_companies(of("companies")), metrics=key_metrics(of("metrics")),
        claims=top_claims(of("claims")), trends=top_trends(of("trends")),
    )


def _position(row: Mapping, column: str) -> int:
    value = row.get(column)
    return value if value is not None else 1 << 62


def top_companies(companies: Rows, *, n: int = TOP_COMPANIES) -> list[tuple[str, int]]:
    """The most-mentioned companies, ties broken by who appears first."""
    ranked = sorted(companies, key=lambda r: (-(r.get("mentions") or 0), _position(r, "first_char"), r["company"]))
    return [(r["company"], int(r.get("mentions") or 0)) for r in ranked[:n]]


def metric_weight(metric: Mapping) -> int:
    """How much a metric says on its own: a unit, a subject or a large value beats a bare count.

    Bare small numbers ("one", "two", "5") weigh 0 and are left out of the digest.
    """
    unit = metric.get("unit") or ""
    value = metric.get("value")
    weight = 0
    if metric.get("subject"):
        weight += 2
    if metric.get("measure"):
        weight += 1
    if unit and unit != "rank":
        weight += 2
    if metric.get("value_min") is not None and metric.get("value_max") is not None:
        weight += 1
    if value is not None and abs(value) >= 1000:
        weight += 1
    return weight


def key_metrics(metrics: Rows, *, n: int = TOP_METRICS) -> list[Mapping]:
    """The metrics that carry most information, in reading order among equals."""
    weighed = [(metric_weight(m), m) for m in metrics]
    ranked = sorted((wm for wm in weighed if wm[0] > 0), key=lambda wm: (-wm[0], _position(wm[1], "start_char")))
    return [m for _, m in ranked[:n]]


def top_claims(claims: Rows, *, n: int = TOP_CLAIMS) -> list[Mapping]:
    """The highest-scoring claims (claims' own `score`), in reading order among equals."""
    ranked = sorted(claims, key=lambda c: (c.get("score") is None, -(c.get("score") or 0), _position(c, "start_char")))
    return ranked[:n]


def top_trends(trends: Rows, *, n: int = TOP_TRENDS) -> list[str]:
    ranked = sorted(trends, key=lambda t: (-(t.get("mentions") or 0), _position(t, "first_sentence_id"), t["trend"]))
    return [t["trend"] for t in ranked[:n]]


def attribution(claim: Mapping) -> str:
    """Who makes the claim: the named source, else the kind of source ("the author")."""
    if claim.get("attributed_to"):
        return str(claim["attributed_to"])
    source_type = claim.get("source_type") or ""
    return "the author" if source_type in ("author", "") else source_type


def claim_tags(claim: Mapping) -> list[str]:
    tags = [claim["claim_type"]] if claim.get("claim_type") else []
    if claim.get("hedged"):
        tags.append("hedged")
    if claim.get("negated"):
        tags.append("negated")
    return tags


def format_metric(metric: Mapping) -> str:
    """A metric's normalised reading: "USD 172M", "23.8%", "10–15 years"."""
    unit = metric.get("unit") or ""
    low, high, value = metric.get("value_min"), metric.get("value_max"), metric.get("value")
    if low is not None and high is not None:
        number = f"{human_number(low)}–{human_number(high)}"
    elif value is not None:
        number = human_number(value)
    else:
        return ""
    if unit == "percent":
        return f"{number}%"
    if unit == "rank":
        return f"rank {number}"
    if re.fullmatch(r"[A-Z]{3}", unit):
        return f"{unit} {number}"
    return f"{number} {unit}".strip()


def human_number(value: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}"


def metric_context(metric: Mapping) -> str:
    """Subject, measure and period joined, for a metric's "of what"."""
    return " · ".join(str(metric[c]) for c in ("subject", "measure", "period") if metric.get(c))


# -- corpus tables -------------------------------------------------------------------------------

def _group(rows: Rows, key) -> dict[str, list[Mapping]]:
    groups: dict[str, list[Mapping]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def company_summary(companies: Rows, numbers: Mapping[str, int]) -> pd.DataFrame:
    """Companies across the corpus: mentions, documents, country, sector, roles."""
    columns = ["company", "mentions", "documents", "in", "country", "sector", "role"]
    rows = [{
        "company": company,
        "mentions": sum(r.get("mentions") or 0 for r in group),
        "documents": len({r["doc_id"] for r in group}),
        "in": _doc_refs(group, numbers),
        "country": _most_common(r.get("country") for r in group),
        "sector": _most_common(r.get("sector") for r in group),
        "role": ", ".join(sorted({r["role"] for r in group if r.get("role")})),
    } for company, group in _group(companies, lambda r: r["company"]).items()]
    rows.sort(key=lambda r: (-r["mentions"], -r["documents"], r["company"]))
    return pd.DataFrame(rows, columns=columns)


def trend_summary(trends: Rows, numbers: Mapping[str, int]) -> pd.DataFrame:
    """Trends across the corpus, most widespread first."""
    columns = ["trend", "category", "documents", "mentions", "in", "terms"]
    rows = []
    for trend, group in _group(trends, lambda r: r["trend"]).items():
        terms = Counter(t for r in group for t in str(r.get("terms") or "").split(";") if t)
        rows.append({
            "trend": trend,
            "category": _most_common(r.get("category") for r in group),
            "documents": len({r["doc_id"] for r in group}),
            "mentions": sum(r.get("mentions") or 0 for r in group),
            "in": _doc_refs(group, numbers),
            "terms": "; ".join(sorted(terms, key=lambda t: (-terms[t], t.lower(), t))[:5]),
        })
    rows.sort(key=lambda r: (-r["documents"], -r["mentions"], r["trend"]))
    return pd.DataFrame(rows, columns=columns)


def subject_of(metric: Mapping) -> str:
    return str(metric.get("subject") or "").strip() or NO_SUBJECT


def metric_groups(metrics: Rows, numbers: Mapping[str, int]) -> pd.DataFrame:
    """Metrics grouped by subject: how many, where, in which units, and the most telling ones."""
    columns = ["subject", "metrics", "documents", "in", "units", "examples"]
    rows = []
    for subject, group in _group(metrics, subject_of).items():
        units = Counter(unit_label(m.get("unit")) for m in group)
        rows.append({
            "subject": subject,
            "metrics": len(group),
            "documents": len({m["doc_id"] for m in group}),
            "in": _doc_refs(group, numbers),
            "units": ", ".join(f"{u} {c}" for u, c in sorted(units.items(), key=lambda uc: (-uc[1], uc[0]))),
            "examples": "; ".join(list(dict.fromkeys(_example(m) for m in key_metrics(group, n=len(group))))[:4]),
        })
    # The catch-all group goes last whatever its size: it is what the extractor could not place.
    rows.sort(key=lambda r: (r["subject"] == NO_SUBJECT, -r["metrics"], r["subject"]))
    return pd.DataFrame(rows, columns=columns)


def _example(metric: Mapping) -> str:
    # The group already names the subject, and the text usually says what is counted.
    text = str(metric.get("text") or "")
    return f"{text} ({metric['period']})" if metric.get("period") else text


def unit_label(unit) -> str:
    # A metric without a unit is a plain count ("11 startups", "dozens").
    return {"": "number", "percent": "%"}.get(unit or "", unit)


def _most_common(values: Iterable) -> str:
    """The most frequent non-empty value, alphabetically first among ties ("" if none)."""
    counts = Counter(str(v) for v in values if v is not None and str(v).strip())
    if not counts:
        return ""
    return min(counts, key=lambda v: (-counts[v], v))


def _doc_refs(rows: Rows, numbers: Mapping[str, int]) -> str:
    refs = sorted({numbers[r["doc_id"]] for r in rows if r["doc_id"] in numbers})
    return " ".join(f"#{n}" for n in refs)


# -- charts --------------------------------------------------------------------------------------

BLUE = "#3b6ea5"
RC = {
    # Text stays text (small files, selectable, scales with the page) ...
    "svg.fonttype": "none",
    # ... and the same input gives the same bytes: ids come from this salt, not from random.
    "svg.hashsalt": "chinatech",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
    "font.size": 9,
    # Article text is plain text: "$172M and $3B" must not turn into mathtext.
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#8c959f",
    "axes.labelcolor": "#24292f",
    "xtick.color": "#24292f",
    "ytick.color": "#24292f",
    "figure.facecolor": "white",
}
# Inches. Narrow on purpose: the page scales a chart to the column, and at a phone's 360 px
# a 4.4-inch chart keeps its 9-point labels at about 10 px.
CHART_WIDTH = 4.4


def charts(frames: Mapping[str, pd.DataFrame], companies: pd.DataFrame, trends: pd.DataFrame,
           numbers: Mapping[str, int]) -> dict[str, Chart]:
    """The report's charts, leaving out any with nothing to draw."""
    made = {}
    if not companies.empty:
        top = companies.head(CHART_COMPANIES)
        made["company-mentions"] = Chart(
            "company-mentions", "Company mentions",
            f"Mentions of the {len(top)} most-mentioned of {len(companies)} companies, with the number of documents naming each.",
            company_chart(top))
    matrix = trend_matrix(frames["trends"], trends, numbers)
    if not matrix.empty:
        where = ("each document" if matrix.shape[1] == len(numbers)
                 else f"the {matrix.shape[1]} documents that mention them most")
        made["trend-heatmap"] = Chart(
            "trend-heatmap", "Trends by document",
            f"Mentions of the {len(matrix)} most widespread of {len(trends)} trends in {where} "
            f"(#n as in the documents table).",
            trend_heatmap(matrix))
    if not frames["metrics"].empty:
        made["metrics-by-subject"] = Chart(
            "metrics-by-subject", "Metrics by subject",
            "Number of metrics about each subject, by kind of unit (count: plain numbers and counted nouns).",
            metrics_chart(frames["metrics"]))
    return made


def trend_matrix(trend_rows: pd.DataFrame, summary: pd.DataFrame, numbers: Mapping[str, int]) -> pd.DataFrame:
    """Mentions of the most widespread trends (rows) in each document (columns "#n")."""
    if trend_rows.empty or not numbers:
        return pd.DataFrame()
    top = summary["trend"].head(CHART_TRENDS).tolist()
    rows = trend_rows[trend_rows["trend"].isin(top) & trend_rows["doc_id"].isin(list(numbers))]
    if rows.empty:
        return pd.DataFrame()
    matrix = rows.pivot_table(index="trend", columns="doc_id", values="mentions", aggfunc="sum", fill_value=0)
    documents = sorted(matrix.columns, key=lambda d: numbers[d])
    if len(documents) > CHART_DOCUMENTS:
        busiest = matrix.sum().sort_values(ascending=False, kind="stable").index[:CHART_DOCUMENTS]
        documents = sorted(busiest, key=lambda d: numbers[d])
    matrix = matrix.reindex(index=[t for t in top if t in matrix.index], columns=documents).fillna(0).astype(int)
    matrix.columns = [f"#{numbers[d]}" for d in documents]
    return matrix


def company_chart(top: pd.DataFrame) -> str:
    names = [_label(n) for n in top["company"]][::-1]
    mentions = [int(m) for m in top["mentions"]][::-1]
    documents = [int(d) for d in top["documents"]][::-1]

    def draw(fig):
        ax = fig.add_subplot()
        bars = ax.barh(range(len(names)), mentions, color=BLUE, height=0.7)
        ax.set_yticks(range(len(names)), names)
        ax.set_ylim(-0.6, len(names) - 0.4)
        ax.set_xlabel("mentions")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlim(0, max(mentions) * 1.3)
        for bar, count, docs in zip(bars, mentions, documents):
            ax.annotate(f"{count} · {docs} doc{'s' * (docs != 1)}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center", fontsize=8, color="#57606a")

    return _svg("company-mentions", draw, (CHART_WIDTH, 0.26 * len(names) + 0.7))


def trend_heatmap(matrix: pd.DataFrame) -> str:
    values = matrix.to_numpy()
    annotate = values.size <= 600
    crowded = len(matrix.columns) > 12

    def draw(fig):
        ax = fig.add_subplot()
        image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0, vmax=max(int(values.max()), 1),
                          interpolation="nearest")
        ax.set_yticks(range(len(matrix.index)), [_label(t) for t in matrix.index])
        ax.set_xticks(range(len(matrix.columns)), list(matrix.columns),
                      rotation=90 if crowded else 0, fontsize=7 if crowded else None)
        ax.tick_params(top=True, labeltop=True, bottom=True, labelbottom=True, length=0)
        ax.set_xticks([x - 0.5 for x in range(1, len(matrix.columns))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(matrix.index))], minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="minor", length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if annotate:
            threshold = values.max() * 0.55
            for (y, x), count in _cells(values):
                ax.text(x, y, str(count), ha="center", va="center", fontsize=7,
                        color="white" if count > threshold else "#24292f")
        else:
            from matplotlib.ticker import MaxNLocator

            fig.colorbar(image, ax=ax, label="mentions", shrink=0.5, ticks=MaxNLocator(integer=True))

    width = min(11.0, 2.6 + (0.2 if crowded else 0.32) * len(matrix.columns) + (0 if annotate else 0.8))
    return _svg("trend-heatmap", draw, (width, 0.22 * len(matrix.index) + 0.9))


def _cells(values) -> Iterable[tuple[tuple[int, int], int]]:
    for y, row in enumerate(values):
        for x, count in enumerate(row):
            if count:
                yield (y, x), int(count)


UNIT_KINDS = ("money", "percent", "count", "rank", "time")
KIND_COLOURS = dict(zip(UNIT_KINDS, ("#3a923a", "#e1812c", "#3b6ea5", "#9372b2", "#8c8c8c")))
TIME_UNITS = {f"{w}{s}" for w in ("second", "minute", "hour", "day", "week", "month", "quarter", "year", "decade")
              for s in ("", "s")}


def unit_kind(unit) -> str:
    """Money, percent, rank, time or count: few enough kinds to colour, whatever nouns are counted."""
    unit = "" if _missing(unit) else str(unit)
    if re.fullmatch(r"[A-Z]{3}", unit):
        return "money"
    if unit in ("percent", "percentage points", "basis points"):
        return "percent"
    if unit == "rank":
        return "rank"
    if unit.lower() in TIME_UNITS:
        return "time"
    return "count"


def metrics_chart(metrics: pd.DataFrame) -> str:
    frame = pd.DataFrame({
        "subject": metrics["subject"].fillna("").astype(str).str.strip().replace("", NO_SUBJECT),
        "kind": metrics["unit"].astype(object).map(unit_kind),
    })
    subjects = frame["subject"].value_counts()
    subjects = subjects.sort_index().sort_values(ascending=False, kind="stable")
    named = [n for n in subjects.index if n != NO_SUBJECT]
    if len(named) > CHART_SUBJECTS:
        frame.loc[~frame["subject"].isin(named[:CHART_SUBJECTS - 1] + [NO_SUBJECT]), "subject"] = "other subjects"
    counts = frame.groupby(["subject", "kind"]).size().unstack(fill_value=0)
    order = counts.sum(axis=1)
    order = order.sort_index().sort_values(ascending=False, kind="stable")
    # Catch-alls go at the bottom, whatever their size.
    rows = [r for r in order.index if r not in (NO_SUBJECT, "other subjects")] + \
           [r for r in ("other subjects", NO_SUBJECT) if r in order.index]
    kinds = [k for k in UNIT_KINDS if k in counts.columns]
    counts = counts.reindex(index=rows, columns=kinds)

    def draw(fig):
        ax = fig.add_subplot()
        positions = list(range(len(rows)))[::-1]
        left = [0] * len(rows)
        for kind in kinds:
            widths = counts[kind].tolist()
            ax.barh(positions, widths, left=left, height=0.65, label=kind, color=KIND_COLOURS[kind])
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(positions, [_label(r) for r in rows])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlabel("metrics")
        ax.xaxis.get_major_locator().set_params(integer=True)
        # A figure legend: constrained layout keeps it inside the figure however narrow the axes.
        fig.legend(loc="outside upper left", ncols=len(kinds), frameon=False, fontsize=8,
                   handlelength=1, handletextpad=0.4, columnspacing=1)

    return _svg("metrics-by-subject", draw, (CHART_WIDTH, 0.26 * len(rows) + 1.0))


def _label(text) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def _svg(slug: str, draw, size: tuple[float, float]) -> str:
    """Draw on a fresh Agg figure and return a bare, deterministic <svg> element."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # rc_context, not rcParams: a notebook calling write_report keeps its own style.
    # A salt per chart keeps element ids unique when all charts share one HTML page.
    with matplotlib.rc_context({**RC, "svg.hashsalt": f"chinatech-{slug}"}):
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return _prefix_ids(text.strip(), slug)


def _prefix_ids(svg: str, prefix: str) -> str:
    """Namespace every id (matplotlib numbers "figure_1", "patch_1" per figure) and its references,
    so several charts make one valid page."""
    ids = set(re.findall(r'\sid="([^"]+)"', svg))
    svg = re.sub(r'(\sid=")([^"]+)"', lambda m: f'{m.group(1)}{prefix}-{m.group(2)}"', svg)
    return re.sub(r'(url\(#|href="#)([^)"]+)', lambda m: m.group(1) + (
        f"{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(2)), svg)


def _svg_size(svg: str) -> tuple[float, float]:
    """The chart's natural size in CSS pixels, from the viewBox (matplotlib's unit is the point)."""
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if not match:
        return 0.0, 0.0
    return float(match.group(1)) * 4 / 3, float(match.group(2)) * 4 / 3


def _inline_svg(chart: Chart) -> str:
    """The chart for the page: responsive (width from CSS, height from the viewBox), labelled."""
    width, _ = _svg_size(chart.svg)
    root, rest = chart.svg.split(">", 1)
    # CSS sizes the chart and the viewBox keeps its shape. An HTML parser needs no namespace
    # declarations (it maps xlink:href itself); without them the page holds no URL at all.
    root = re.sub(r'\s(?:width|height|xmlns|xmlns:xlink)="[^"]*"', "", root)
    return (f'{root} role="img" aria-label="{html.escape(chart.title)}" style="max-width:{width * 1.3:.0f}px">'
            + rest)


def _standalone_svg(svg: str) -> str:
    return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + svg + "\n"


# -- HTML ----------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #3b6ea5; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; line-height: 1.3; margin: 0 0 .25rem; }
h4 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: .9rem 0 .3rem; }
a { color: var(--accent); }
p, li, dd, figcaption, blockquote { overflow-wrap: break-word; }
/* A long unbroken name (a URL, a hyphenated title) must wrap, not widen a phone's page. */
h1, h2, h3, .stats dd, .meta { overflow-wrap: anywhere; }
.stats div, article.digest, ul.inline li { min-width: 0; }
.lede, .meta, figcaption, .note, footer { color: var(--muted); }
.lede { margin: 0 0 1rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.1rem; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: .6rem; margin: 0 0 1rem; }
.stats div { background: var(--soft); border-radius: 8px; padding: .5rem .75rem; }
.stats div.wide { grid-column: span 2; }
.stats dt { font-size: .8rem; color: var(--muted); }
.stats dd { margin: 0; font-size: 1.25rem; font-weight: 600; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: 8px; margin: .75rem 0 1.25rem; }
table { border-collapse: collapse; width: 100%; font-size: .875rem; }
caption { caption-side: top; text-align: left; padding: .5rem .6rem; color: var(--muted); font-size: .85rem; }
/* Cells keep to one line and the box scrolls sideways; only prose columns wrap. */
th, td { padding: .4rem .6rem; text-align: left; vertical-align: top; border-top: 1px solid var(--line); white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { white-space: normal; min-width: 20rem; }
td.label { white-space: normal; min-width: 16rem; }
figure.chart { margin: 1rem 0 1.5rem; }
figure.chart figcaption { font-size: .875rem; margin-bottom: .5rem; }
figure.chart svg { display: block; width: 100%; height: auto; }
.digests { display: grid; gap: 1rem; }
article.digest { border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; }
.digest .number { color: var(--muted); font-weight: 400; }
.meta { font-size: .875rem; margin: 0; }
.digest ul, .digest ol { margin: 0; padding-left: 1.25rem; }
.digest li { margin: .2rem 0; }
ul.inline { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; }
ul.inline li { margin: 0; background: var(--soft); border-radius: 999px; padding: .05rem .6rem; font-size: .875rem; }
blockquote { margin: 0; padding-left: .6rem; border-left: 3px solid var(--line); }
.digest li.claim { margin: .45rem 0; }
.by { color: var(--muted); font-size: .875rem; }
.tag { display: inline-block; font-size: .75rem; line-height: 1.4; background: #eaeef2; border-radius: 999px; padding: 0 .45rem; margin-left: .25rem; }
.none { color: var(--muted); font-style: italic; }
footer { font-size: .8rem; padding: 2rem 1rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  header, main, footer { padding-left: .75rem; padding-right: .75rem; }
  h1 { font-size: 1.45rem; }
  article.digest { padding: .7rem .75rem; }
}
@media print { .table-wrap { overflow: visible; } nav { display: none; } }
"""

# Nothing may load from anywhere: no scripts at all, styles only inline, images only data: URLs.
# The browser then enforces "works offline" and blocks anything an article might smuggle in.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def e(value) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None or _missing(value) else str(value), quote=True)


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no external URLs."""
    count = len(report.documents)
    title = f"chinatech report: {count} article{'s' * (count != 1)}"
    sections = [
        ("overview", "Overview", _html_overview(report)),
        ("companies", "Companies", _html_companies(report)),
        ("trends", "Trends", _html_trends(report)),
        ("metrics", "Metrics", _html_metrics(report)),
        ("digests", "Article digests", _html_digests(report)),
    ]
    nav = "".join(f'<li><a href="#{slug}">{e(name)}</a></li>' for slug, name, _ in sections)
    body = "\n".join(f'<section id="{slug}">\n<h2>{e(name)}</h2>\n{content}\n</section>' for slug, name, content in sections)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">
<meta name="generator" content="chinatech {e(__version__)}">
<title>{e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Chinese tech articles: report</h1>
<p class="lede">{e(lede(report))}</p>
<nav aria-label="Sections"><ul>{nav}</ul></nav>
</header>
<main>
{body}
</main>
<footer>Made by chinatech {e(__version__)} from the extracted tables; every table in full: <code>chinatech extract --out DIR</code>.</footer>
</body>
</html>
"""


def _html_overview(report: Report) -> str:
    o, t = report.overview, report.totals
    stats = [("Documents", o["documents"]), ("Words", o["words"]), ("Dates", o["dates"]),
             ("Undated", o["undated"]), ("Authors", o["authors"]), ("Companies", f"{t['companies']:,}"), ("Products", f"{t['products']:,}"),
             ("People", f"{t['people']:,}"), ("Metrics", f"{t['metrics']:,}"), ("Trends", f"{t['trends']:,}"),
             ("Claims", f"{t['claims']:,}")]
    # A date range needs two cards' room.
    wide = ' class="wide"'
    cards = "".join(f"<div{wide if k == 'Dates' else ''}><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in stats)
    rows = []
    for d in _rows(report.documents):
        rows.append([
            (f'<a href="#doc-{d["number"]}">#{d["number"]}</a>', "num"),
            (e(d["title"] or d["doc_id"]), "text"), (e(d["author"]), ""), (e(d["date"]), ""),
            (e(_count(d["words"])), "num"),
        ])
    table = _html_table(["#", "title", "author", "date", "words"], rows, numeric={"#", "words"})
    return f'<dl class="stats">{cards}</dl>\n{table}'


def _html_companies(report: Report) -> str:
    frame = report.companies
    if frame.empty:
        return '<p class="none">No companies found.</p>'
    rows = [[(e(r["company"]), ""), (e(r["mentions"]), "num"), (e(r["documents"]), "num"),
             (e(r["in"]), ""), (e(r["country"]), ""), (e(r["sector"]), ""), (e(r["role"]), "")]
            for r in _rows(frame.head(TABLE_ROWS))]
    return "\n".join([
        _html_chart(report, "company-mentions"),
        _html_table(["company", "mentions", "documents", "in", "country", "sector", "role"], rows,
                    numeric={"mentions", "documents"}, caption=_shown(len(frame), "companies")),
    ])


def _html_trends(report: Report) -> str:
    frame = report.trends
    if frame.empty:
        return '<p class="none">No trends found.</p>'
    rows = [[(e(r["trend"]), ""), (e(r["category"]), ""), (e(r["documents"]), "num"), (e(r["mentions"]), "num"),
             (e(r["in"]), ""), (e(r["terms"]), "label")]
            for r in _rows(frame.head(TABLE_ROWS))]
    return "\n".join([
        _html_chart(report, "trend-heatmap"),
        _html_table(["trend", "category", "documents", "mentions", "in", "terms"], rows,
                    numeric={"documents", "mentions"}, caption=_shown(len(frame), "trends")),
    ])


def _html_metrics(report: Report) -> str:
    frame = report.metrics
    if frame.empty:
        return '<p class="none">No metrics found.</p>'
    rows = [[(e(r["subject"]), "label"), (e(r["metrics"]), "num"), (e(r["documents"]), "num"), (e(r["in"]), ""),
             (e(r["units"]), "label"), (e(r["examples"]), "text")]
            for r in _rows(frame.head(TABLE_ROWS))]
    return "\n".join([
        _html_chart(report, "metrics-by-subject"),
        _html_table(["subject", "metrics", "documents", "in", "units", "most telling"], rows,
                    numeric={"metrics", "documents"}, caption=_shown(len(frame), "subjects")),
    ])


def _html_digests(report: Report) -> str:
    if not report.digests:
        return '<p class="none">No documents.</p>'
    return '<div class="digests">\n' + "\n".join(_html_digest(d) for d in report.digests) + "\n</div>"


def _html_digest(d: Digest) -> str:
    meta = " · ".join(e(x) for x in (d.author and f"by {d.author}", d.date, d.words is not None and f"{_count(d.words)} words",
                                      d.source) if x)
    companies = ('<ul class="inline">' + "".join(f'<li>{e(name)} <span class="by">{count}</span></li>'
                                                 for name, count in d.companies) + "</ul>"
                 if d.companies else '<p class="none">none found</p>')
    metrics = ("<ul>" + "".join(_html_metric(m) for m in d.metrics) + "</ul>"
               if d.metrics else '<p class="none">no metrics with a unit, subject or large value</p>')
    claims = ("<ol>" + "".join(_html_claim(c) for c in d.claims) + "</ol>"
              if d.claims else '<p class="none">none found</p>')
    trends = ('<ul class="inline">' + "".join(f"<li>{e(t)}</li>" for t in d.trends) + "</ul>"
              if d.trends else '<p class="none">none found</p>')
    title = e(d.title) if d.title else f'<span class="none">untitled ({e(d.doc_id)})</span>'
    return f"""<article class="digest" id="doc-{d.number}">
<h3><span class="number">#{d.number}</span> {title}</h3>
<p class="meta">{meta}</p>
<h4>Top companies</h4>
{companies}
<h4>Key metrics</h4>
{metrics}
<h4>Top claims</h4>
{claims}
<h4>Trends</h4>
{trends}
</article>"""


def _html_metric(m: Mapping) -> str:
    reading = format_metric(m)
    context = metric_context(m)
    extra = [x for x in (reading if reading and reading != m.get("text") else "", context) if x]
    return f"<li><strong>{e(m.get('text'))}</strong>" + (
        f' <span class="by">{" · ".join(e(x) for x in extra)}</span>' if extra else "") + "</li>"


def _html_claim(c: Mapping) -> str:
    tags = "".join(f'<span class="tag">{e(t)}</span>' for t in claim_tags(c))
    # A blockquote, not <q>: claims often carry their own quotation marks.
    return (f'<li class="claim"><blockquote>{e(c.get("text"))}</blockquote>'
            f'<span class="by">— {e(attribution(c))}</span>{tags}</li>')


def _html_chart(report: Report, slug: str) -> str:
    chart = report.charts.get(slug)
    if chart is None:
        return ""
    return (f'<figure class="chart" id="chart-{slug}">\n<figcaption><strong>{e(chart.title)}.</strong> '
            f"{e(chart.caption)}</figcaption>\n{_inline_svg(chart)}\n</figure>")


def _html_table(headers: list[str], rows: list[list[tuple[str, str]]], *, numeric: set[str] = frozenset(),
                caption: str = "") -> str:
    """A table in a horizontally scrolling box; cells arrive escaped, with a CSS class each."""
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if h in numeric else ""}>{e(h)}</th>' for h in headers)
    body = "\n".join("<tr>" + "".join(f'<td class="{cls}">{cell}</td>' if cls else f"<td>{cell}</td>"
                                      for cell, cls in row) + "</tr>" for row in rows)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>'


def _shown(total: int, noun: str) -> str:
    return f"The top {TABLE_ROWS} of {total:,} {noun}." if total > TABLE_ROWS else ""


def _count(value) -> str:
    return "" if value is None or _missing(value) else f"{int(value):,}"


# -- Markdown ------------------------------------------------------------------------------------

# "$" too: GitHub renders $...$ as maths, and articles are full of dollar amounts.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md(value) -> str:
    """Escape text for GitHub Markdown: inline markup, table pipes and raw HTML stay literal."""
    text = "" if value is None or _missing(value) else " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(report: Report, chart_links: Mapping[str, str] | None = None) -> str:
    """The report as GitHub Markdown; charts are images linked by file name (none if not given)."""
    chart_links = chart_links or {}
    o, t = report.overview, report.totals
    out = [
        "# Chinese tech articles: report", "",
        md(lede(report)), "",
        "## Overview", "",
        _md_table(["documents", "words", "dates", "undated", "authors", "companies", "products", "people", "metrics",
                   "trends", "claims"],
                  [[o["documents"], o["words"], o["dates"], o["undated"], o["authors"], *(f"{t[k]:,}" for k in
                    ("companies", "products", "people", "metrics", "trends", "claims"))]],
                  numeric=set()),
        _md_table(["#", "title", "author", "date", "words"],
                  [[f"#{d['number']}", d["title"] or d["doc_id"], d["author"], d["date"], _count(d["words"])]
                   for d in _rows(report.documents)], numeric={"#", "words"}),
    ]

    def section(name: str, slug: str, frame: pd.DataFrame, headers: list[str], columns: list[str], numeric: set[str], noun: str):
        out.extend([f"## {name}", ""])
        if slug in chart_links and slug in report.charts:
            chart = report.charts[slug]
            out.extend([f"![{md(chart.title)}]({chart_links[slug]})", "", f"*{md(chart.caption)}*", ""])
        if frame.empty:
            out.extend([f"No {noun} found.", ""])
            return
        shown = _shown(len(frame), noun)
        if shown:
            out.extend([shown, ""])
        out.append(_md_table(headers, [[r[c] for c in columns] for r in _rows(frame.head(TABLE_ROWS))], numeric=numeric))

    section("Companies", "company-mentions", report.companies,
            ["company", "mentions", "documents", "in", "country", "sector", "role"],
            ["company", "mentions", "documents", "in", "country", "sector", "role"], {"mentions", "documents"}, "companies")
    section("Trends", "trend-heatmap", report.trends,
            ["trend", "category", "documents", "mentions", "in", "terms"],
            ["trend", "category", "documents", "mentions", "in", "terms"], {"documents", "mentions"}, "trends")
    section("Metrics", "metrics-by-subject", report.metrics,
            ["subject", "metrics", "documents", "in", "units", "most telling"],
            ["subject", "metrics", "documents", "in", "units", "examples"], {"metrics", "documents"}, "subjects")
    out.extend(["## Article digests", ""])
    if not report.digests:
        out.extend(["No documents.", ""])
    for d in report.digests:
        out.extend(_md_digest(d))
    out.append(f"*Made by chinatech {md(__version__)} from the extracted tables.*")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_digest(d: Digest) -> list[str]:
    meta = " · ".join(md(x) for x in (d.author and f"by {d.author}", d.date,
                                       d.words is not None and f"{_count(d.words)} words", d.source) if x)
    lines = [f"### #{d.number} {md(d.title) if d.title else f'untitled ({md(d.doc_id)})'}", ""]
    if meta:
        lines.extend([meta, ""])
    companies = ", ".join(f"{md(name)} ({count})" for name, count in d.companies) or "none found"
    trends = ", ".join(md(t) for t in d.trends) or "none found"
    lines.extend([f"**Top companies:** {companies}", "", "**Key metrics:**", ""])
    if d.metrics:
        for m in d.metrics:
            reading = format_metric(m)
            extra = [x for x in (reading if reading and reading != m.get("text") else "", metric_context(m)) if x]
            lines.append(f"- **{md(m.get('text'))}**" + (f" ({' · '.join(md(x) for x in extra)})" if extra else ""))
    else:
        lines.append("- none with a unit, subject or large value")
    lines.extend(["", "**Top claims:**", ""])
    if d.claims:
        for i, c in enumerate(d.claims, 1):
            tags = ", ".join(md(t) for t in claim_tags(c))
            lines.append(f"{i}. {md(c.get('text'))} — *{md(attribution(c))}*" + (f" ({tags})" if tags else ""))
    else:
        lines.append("- none found")
    lines.extend(["", f"**Trends:** {trends}", ""])
    return lines


def _md_table(headers: list[str], rows: list[list], *, numeric: set[str]) -> str:
    head = "| " + " | ".join(md(h) for h in headers) + " |"
    rule = "|" + "|".join(" ---: " if h in numeric else " --- " for h in headers) + "|"
    body = ["| " + " | ".join(md(_cell(v)) for v in row) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def _cell(value) -> str:
    if value is None or _missing(value):
        return ""
    return str(value)


__all__ = ["write_report", "build_report", "render_html", "render_markdown", "FORMATS"]
