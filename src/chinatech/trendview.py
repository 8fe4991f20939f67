"""Trends across a corpus: candidate trends the taxonomy lacks, and the `chinatech trends` view.

Per document, while its Doc is alive, `mention_rows(doc)` indexes which trends, candidate
phrases and companies each sentence names. Across the corpus, `discover()` ranks the candidate
phrases and `corpus_trends()` counts documents, mentions, companies named in the same
sentences and periods per trend.

Discovery ranks multi-word noun phrases by C-value (Frantzi, Ananiadou & Mima 2000), a termhood
measure for nested multi-word terms: a phrase scores by its frequency times log2 of its length,
less the frequency it owes to the longer phrases it sits inside ("vertical farm" inside "indoor
vertical farm"). It needs no background corpus, which chinatech does not ship.

Measured on the gold articles with the taxonomy exclusion off (a hit is a gold trend name or
alias), the candidate filter below matters far more than the ranker: over these candidates,
frequency, corpus TF-IDF and C-value reach P@10 of 0.7-0.8 and textacy's TextRank and sCAKE 0.4
(SGRank keeps only 7 phrases, 6 of them hits), while textacy's rankers over their own candidates
reach 0.2 at best. C-value is kept for its handling of nested phrases; TF-IDF's one extra hit
came from penalising phrases that recur across documents, the opposite of what a trend is.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Iterable, Iterator, Mapping

import pandas as pd
from spacy.tokens import Doc, Span

from . import knowledge
from .components.common import meta, sentences
from .components.entities import COMPANIES, SOURCE_KINDS
from .components.trends import TRENDS, fold, reported, trend_groups
PROPER = {"PROPN"}
# Entity types that make a phrase a name, date or amount rather than a concept.
NAMED = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "DATE",
         "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}


@lru_cache(maxsize=1)
def _vague_words() -> tuple[frozenset[str], frozenset[str]]:
    """Modifiers and heads that keep a phrase from naming a trend (data/discovery.yaml)."""
    data = knowledge.read_data("discovery.yaml")
    return knowledge.word_set(data, "vague_modifiers"), knowledge.word_set(data, "vague_heads")
MIN_WORDS, MAX_WORDS = 2, 4


# -- per document ------------------------------------------------------------------------

def candidate_spans(doc: Doc) -> Iterator[Span]:
    """Multi-word noun phrases, outside the taxonomy and named entities, that may name a trend."""
    taken = {i for key in (TRENDS, COMPANIES, "ct_products", "ct_people") if key in doc.spans
             for span in doc.spans[key] for i in range(span.start, span.end)}
    for chunk in doc.noun_chunks:
        span = concept(chunk)
        if span is None or taken.intersection(range(span.start, span.end)):
            continue
        yield span


def concept(chunk: Span) -> Span | None:
    """The modifiers-plus-head tail of a noun chunk, or None when it is not a 2-4 word concept.

    Walks back from the head over nouns, adjectives and participles ("ride-hailing"), stopping
    at determiners, numbers, names and possessives, then drops vague leading modifiers.
    """
    doc, head = chunk.doc, chunk.root
    if head.pos_ != "NOUN" or head.ent_type_ in NAMED or head.i != chunk.end - 1:
        return None
    start = head.i
    while start > chunk.start and _modifier(doc[start - 1]):
        start -= 1
    words = compounds(doc[start:head.i + 1])
    while len(words) > 1 and words[0].text.lower() in _vague_words()[0]:
        words = words[1:]
    if not MIN_WORDS <= len(words) <= MAX_WORDS or fold(head.lower_) in _vague_words()[1]:
        return None
    return doc[words[0].start:head.i + 1]


def compounds(span: Span) -> list[Span]:
    """The span's words, a hyphenated compound ("cutting-edge") counting as one."""
    doc, words = span.doc, []
    for token in span:
        previous = doc[token.i - 1]
        if words and "-" in (token.text, previous.text) and not previous.whitespace_:
            words[-1] = doc[words[-1].start:token.i + 1]
        else:
            words.append(doc[token.i:token.i + 1])
    return words


def _modifier(token) -> bool:
    # A capital at a sentence's start makes the tagger call ordinary words proper nouns.
    capitalised = token.pos_ in PROPER and token.is_sent_start and not token.ent_type_
    if (token.pos_ in PROPER and not capitalised) or token.ent_type_ in NAMED or token.is_stop:
        return False
    if token.is_punct:
        # Only a hyphen glued to both neighbours, as in "super-app".
        return token.text == "-" and not token.whitespace_ and not token.nbor(-1).whitespace_
    participle = token.pos_ == "VERB" and token.dep_ in {"amod", "compound"}
    return token.pos_ in {"NOUN", "ADJ"} or capitalised or participle


def phrase_key(span: Span) -> str:
    """Folded form of a phrase, so "super-apps" and "super app" count as one."""
    return " ".join(fold(t.text) for t in span if not t.is_punct)


def mention_rows(doc: Doc) -> list[dict]:
    """Which reported trends, candidate phrases and companies each sentence names.

    Rows: doc_id, sentence_id, start_char (the sentence's), kind (trend | candidate | company),
    name (canonical trend or company; the folded phrase for a candidate) and text (as written).
    Offsets are the piece's own, like every other row, so extraction's `shift` applies.
    """
    doc_id = meta(doc).get("doc_id", "")
    sents = sentences(doc)
    number = {i: n for n, s in enumerate(sents) for i in range(s.start, s.end)}
    starts = [s.start_char for s in sents]
    known = reported(trend_groups(doc))
    rows = []

    def add(span: Span, kind: str, name: str) -> None:
        if span.start in number:
            n = number[span.start]
            rows.append({"doc_id": doc_id, "sentence_id": n, "start_char": starts[n], "kind": kind,
                         "name": name, "text": span.text})

    for span in doc.spans[TRENDS] if TRENDS in doc.spans else []:
        if span.kb_id_ in known:
            add(span, "trend", span.kb_id_)
    for span in doc.spans[COMPANIES] if COMPANIES in doc.spans else []:
        if span.label_ not in SOURCE_KINDS:  # a cited report or outlet is no company in the trend
            add(span, "company", span.kb_id_ or span.text)
    for span in candidate_spans(doc):
        add(span, "candidate", phrase_key(span))
    return rows


# -- discovery ---------------------------------------------------------------------------

def c_values(counts: Mapping[str, int]) -> dict[str, float]:
    """C-value of each phrase from its corpus frequency and the longer phrases that contain it.

    C(a) = log2(|a| + 1) * (f(a) - mean f(b) over the longer candidates b containing a).
    The +1 keeps two-word terms, the commonest trend names, from being outranked by length alone.
    """
    containers: dict[str, list[str]] = defaultdict(list)
    for longer in counts:
        words = longer.split()
        for size in range(MIN_WORDS, len(words)):
            for i in range(len(words) - size + 1):
                inner = " ".join(words[i:i + size])
                if inner in counts:
                    containers[inner].append(longer)
    scores = {}
    for phrase, freq in counts.items():
        nested = containers.get(phrase, [])
        owed = sum(counts[b] for b in nested) / len(nested) if nested else 0.0
        scores[phrase] = math.log2(len(phrase.split()) + 1) * (freq - owed)
    return scores


def discover(
    mentions: Iterable[Mapping], *, top: int = 25, min_count: int = 2, min_docs: int = 1
) -> list[dict]:
    """Rank candidate phrases across the corpus; the best `top` as rows with source "discovered".

    Args:
        mentions: `mention_rows` of every document (rows of other kinds are ignored).
        min_count: times a phrase must occur in the corpus; one mention is no trend.
        min_docs: documents it must occur in; raise it on a large corpus.
    Returns:
        Rows with trend (the commonest written form), key, documents, mentions, terms, source
        and score (the C-value scaled so the best phrase is 1); ties go to the phrase in more documents.
    """
    counts: Counter[str] = Counter()
    docs: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for row in mentions:
        if row.get("kind") != "candidate":
            continue
        counts[row["name"]] += 1
        docs[row["name"]].add(row["doc_id"])
        forms[row["name"]][str(row["text"]).lower()] += 1
    scores = c_values(counts)
    eligible = [k for k in counts if counts[k] >= min_count and len(docs[k]) >= min_docs and scores[k] > 0]
    ranked = sorted(eligible, key=lambda k: (-scores[k], -len(docs[k]), k))[:top]
    best = max((scores[k] for k in ranked), default=1.0) or 1.0
    return [
        {"trend": forms[k].most_common(1)[0][0], "key": k, "documents": len(docs[k]), "mentions": counts[k],
         "terms": ";".join(f for f, _ in forms[k].most_common()), "category": "", "source": "discovered",
         "score": round(scores[k] / best, 3)}
        for k in ranked
    ]


def discovered_rows(mentions: Iterable[Mapping], discovered: Iterable[Mapping]) -> list[dict]:
    """Per-document rows for discovered trends, in the `trends` table's columns."""
    by_key = {d["key"]: d for d in discovered}
    groups: dict[tuple[str, str], dict] = {}
    for row in mentions:
        found = by_key.get(row.get("name")) if row.get("kind") == "candidate" else None
        if found is None:
            continue
        group = groups.setdefault((row["doc_id"], found["key"]), {
            "doc_id": row["doc_id"], "trend": found["trend"], "mentions": 0, "terms": {}, "category": "",
            "source": "discovered", "first_sentence_id": row["sentence_id"], "score": found["score"]})
        group["mentions"] += 1
        group["terms"].setdefault(str(row["text"]).lower(), None)
        group["first_sentence_id"] = min(group["first_sentence_id"], row["sentence_id"])
    return [{**g, "terms": ";".join(g["terms"])} for g in groups.values()]


# -- the corpus view ---------------------------------------------------------------------

CORPUS_COLUMNS = ["trend", "category", "source", "documents", "share", "mentions", "companies",
                  "first_date", "last_date", "by_period", "score"]


def period_of(date: object, period: str = "year") -> str:
    """'2019-07-02' -> '2019' (year), '2019-07' (month) or '2019-Q3' (quarter); '' when unknown."""
    text = "" if date is None or (isinstance(date, float) and math.isnan(date)) else str(date)
    if len(text) < 4 or not text[:4].isdigit():
        return ""
    if period == "year" or len(text) < 7:
        return text[:4]
    if period == "month":
        return text[:7]
    if period == "quarter":
        return f"{text[:4]}-Q{(int(text[5:7]) - 1) // 3 + 1}"
    raise ValueError(f"period must be year, quarter or month; got '{period}'")


def co_mentions(mentions: Iterable[Mapping]) -> dict[str, Counter[str]]:
    """Per trend (or discovered phrase key): sentences naming each company alongside it."""
    by_sentence: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in mentions:
        by_sentence[(row["doc_id"], row["start_char"])][row["kind"]].add(row["name"])
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for kinds in by_sentence.values():
        for topic in kinds.get("trend", set()) | kinds.get("candidate", set()):
            counts[topic].update(kinds.get("company", set()))
    return counts


def same_document(trends: pd.DataFrame, companies: pd.DataFrame) -> dict[str, Counter[str]]:
    """Per trend: documents naming each company, for when no sentence index is at hand."""
    if len(companies) and "role" in companies:
        companies = companies[~companies["role"].eq("source").fillna(False).astype(bool)]
    named = companies.groupby("doc_id")["company"].apply(set).to_dict() if len(companies) else {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for doc_id, trend in trends[["doc_id", "trend"]].itertuples(index=False):
        counts[trend].update(named.get(doc_id, set()))
    return counts


def top_names(counter: Counter[str], n: int) -> str:
    """'Alibaba (3); Tencent (2)': the n commonest, ties by name."""
    best = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return "; ".join(f"{name} ({count})" for name, count in best)


def corpus_trends(
    trends: pd.DataFrame,
    companies: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    mentions: Iterable[Mapping] | None = None,
    discovered: Iterable[Mapping] | None = None,
    top_companies: int = 3,
    period: str = "year",
) -> pd.DataFrame:
    """One row per trend across the corpus, most widespread first.

    Args:
        trends, companies, documents: the extracted tables.
        mentions: `mention_rows` of every document; with them, `companies` counts sentences
            naming the company with the trend; without, documents naming both.
        discovered: `discover()` rows, added with source "discovered" (needs `mentions`).
        period: year, quarter or month, for `by_period` over the documents' dates.
    """
    mentions = list(mentions or [])
    found = list(discovered or [])
    frame = trends[["doc_id", "trend", "mentions", "category", "source", "score"]].copy()
    keys = {}
    if found:
        extra = pd.DataFrame(discovered_rows(mentions, found))
        if len(extra):
            frame = pd.concat([frame, extra[frame.columns]], ignore_index=True)
        keys = {d["trend"]: d["key"] for d in found}
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CORPUS_COLUMNS})
    together = co_mentions(mentions) if mentions else same_document(frame, companies)
    dates = dict(zip(documents["doc_id"], documents["date"])) if len(documents) else {}
    total = max(len(documents), frame["doc_id"].nunique())
    rows = [_corpus_row(name, group, together.get(keys.get(name, name), Counter()), dates, total,
                        top_companies, period)
            for name, group in frame.groupby("trend", sort=False)]
    out = pd.DataFrame(rows, columns=CORPUS_COLUMNS)
    return out.sort_values(["documents", "mentions", "trend"], ascending=[False, False, True], ignore_index=True)


def _corpus_row(name: str, group: pd.DataFrame, companies: Counter[str], dates: Mapping, total: int,
                top: int, period: str) -> dict:
    doc_ids = list(dict.fromkeys(group["doc_id"]))
    known = sorted(str(dates[d]) for d in doc_ids if period_of(dates.get(d)))
    periods = Counter(period_of(dates.get(d), period) for d in doc_ids)
    periods.pop("", None)
    scores = pd.to_numeric(group["score"], errors="coerce").dropna()
    return {
        "trend": name, "category": _first(group["category"]), "source": _first(group["source"]),
        "documents": len(doc_ids), "share": round(len(doc_ids) / total, 3) if total else 0.0,
        "mentions": int(pd.to_numeric(group["mentions"], errors="coerce").fillna(0).sum()),
        "companies": top_names(companies, top),
        "first_date": known[0] if known else "", "last_date": known[-1] if known else "",
        "by_period": "; ".join(f"{p}: {n}" for p, n in sorted(periods.items())),
        "score": round(float(scores.mean()), 3) if len(scores) else None,
    }


def _first(values: pd.Series) -> str:
    present = [str(v) for v in values if isinstance(v, str) and v]
    return present[0] if present else ""


def trends_by_period(trends: pd.DataFrame, documents: pd.DataFrame, *, period: str = "year") -> pd.DataFrame:
    """Documents and mentions per trend and period, long form, over the dated documents only."""
    dates = {d: period_of(v, period) for d, v in zip(documents["doc_id"], documents["date"])}
    frame = trends.assign(period=trends["doc_id"].map(dates).fillna(""))
    frame = frame[frame["period"] != ""]
    columns = ["trend", "period", "documents", "mentions"]
    if not len(frame):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    out = frame.groupby(["trend", "period"], sort=True).agg(
        documents=("doc_id", "nunique"), mentions=("mentions", "sum")).reset_index()
    return out[columns].sort_values(["period", "documents", "trend"], ascending=[True, False, True], ignore_index=True)
