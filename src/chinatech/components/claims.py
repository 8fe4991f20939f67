"""Claims: check-worthy sentences, what kind of claim each is, and who asserts it.

A sentence is a claim when a reader could check it: a number, a ranking, a comparison, an
event (launch, investment, acquisition), a prediction or a quoted statement. Questions,
headings, calls to action and rhetoric addressed to the reader are dropped; `score` ranks
what is left.

Attribution follows news-writing conventions, in this order:
1. the sentence's own cue: "according to X", "X said (that) ...", "..., the report found",
   "..., said X", "was ranked first by X";
2. the direct quotation the sentence sits in: a speaker before or after the quote (also
   for the quote's other sentences), a pronoun ("he said") resolved to the nearest person
   named before the quote, a dash line under the quote paragraph ("—Name, title ..."), or
   the speaker of the quote paragraph just before;
3. a backshifted "would" sentence right after reported speech carries the same source.
Anything else is the author's own claim. "The report" resolves to the report the article
names (its most frequent capitalised title ending in Report/Survey/Index ...). "The firm",
"the NEV startup" resolve to an organisation named earlier (see `antecedent`); a ranking's
owner ("on X's list") is its source; unnamed people ("experts believe", "sources close to
X said") get source_type "unnamed" and attributed_to in the text's own words ("people
familiar with the matter"): they are not the author, but they name no one who could be
checked. A firm's own documents and people ("its filing", "executives said") are the firm.
Bracketed tickers are not actors, and a sentence the parser broke at one is joined again.

textacy 0.13's `direct_quotations` was measured on the five gold articles first: it found 3
of their 5 quotations and named 1 speaker (it leaves "he"/"she" unresolved, has no dash
lines or partial quotes, and raised ValueError on one article because it counts the ’ of
a plural possessive as a quotation mark). It also covers no reported speech and pulls in
scikit-learn, so these rules are our own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .. import knowledge
from .common import meta, sentences, trim

if not Doc.has_extension("ct_claims"):
    Doc.set_extension("ct_claims", default=None)

PEOPLE, COMPANIES, PRODUCTS = "ct_people", "ct_companies", "ct_products"
OPEN_QUOTES, CLOSE_QUOTES = "“«", "”»"
DASHES = "—–―-"
CREDIT_DASHES = "—–―"
# Capitalised only because they open a sentence: not part of a report's title.
LEADING = re.compile(r"^(?:(?:the|a|an|in|on|at|by|for|from|with|this|that|its|their|our|according|as|under)\s+)+", re.I)
BULLETS = "•·▪‣◦*-–—>"
NAMED_ENTS = {"ORG", "PERSON", "GPE", "NORP", "PRODUCT", "FAC", "LOC", "EVENT", "WORK_OF_ART", "LAW"}
READER_WORDS = {"you", "your", "yours", "yourself"}
AUTHOR_WORDS = {"we", "us", "our", "ours", "ourselves"}
VAGUE_WORDS = {"this", "that", "these", "those", "it", "such"}
SUBJECTS = ("nsubj", "nsubjpass")
FINAL = ".!…"
MIN_WORDS = 5
# Speech quotations are at least this long; shorter quoted bits are scare quotes or names.
MIN_QUOTE_WORDS = 4
# Longest "..., the analysts at the bank wrote in a note to clients" tail read as a cue.
TRAILING_CLAUSE = 14


# -- knowledge ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Cues:
    """The word lists of claims.yaml, as lookup sets."""

    reporting: frozenset[str]
    phrasal: dict
    evaluative: frozenset[str]
    report_nouns: frozenset[str]
    report_title: re.Pattern
    organisation_nouns: frozenset[str]
    people_nouns: frozenset[str]
    hedge_modals: frozenset[str]
    hedge_words: frozenset[str]
    hedge_verbs: frozenset[str]
    hedge_participles: frozenset[str]
    opinion_verbs: frozenset[str]
    ranking: frozenset[str]
    comparison_verbs: frozenset[str]
    comparison_words: frozenset[str]
    comparison_nouns: frozenset[str]
    event_verbs: frozenset[str]
    event_nouns: frozenset[str]
    vague_numbers: frozenset[str]
    prediction: frozenset[str]
    normative: frozenset[str]
    figure_reporting: frozenset[str] = frozenset()
    proximity: frozenset[str] = frozenset()
    ranking_documents: frozenset[str] = frozenset()
    happening_nouns: frozenset[str] = frozenset()
    document_nouns: frozenset[str] = frozenset()
    insider_nouns: frozenset[str] = frozenset()
    filing_nouns: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Read src/chinatech/data/claims.yaml once."""
    data = knowledge.read_data("claims.yaml")

    words = partial(knowledge.word_set, data)

    return Cues(
        reporting=words("reporting_verbs"),
        phrasal={str(k).lower(): str(v).lower() for k, v in (data.get("phrasal_reporting_verbs") or {}).items()},
        evaluative=words("evaluative_passives"),
        report_nouns=words("report_nouns"),
        report_title=title_pattern([str(w) for w in data.get("report_title_heads") or []]),
        organisation_nouns=words("organisation_nouns"),
        people_nouns=words("people_nouns"),
        hedge_modals=words("hedge_modals"),
        hedge_words=words("hedge_words"),
        hedge_verbs=words("hedge_verbs"),
        hedge_participles=words("hedge_participles"),
        opinion_verbs=words("opinion_verbs"),
        ranking=words("ranking_words"),
        comparison_verbs=words("comparison_verbs"),
        comparison_words=words("comparison_words"),
        comparison_nouns=words("comparison_nouns"),
        event_verbs=words("event_verbs"),
        event_nouns=words("event_nouns"),
        vague_numbers=words("vague_numbers"),
        prediction=words("prediction_words"),
        normative=words("normative_words"),
        figure_reporting=words("figure_reporting_verbs"),
        proximity=words("proximity_words"),
        ranking_documents=words("ranking_documents"),
        happening_nouns=words("happening_nouns"),
        document_nouns=words("document_nouns") | words("report_nouns"),
        insider_nouns=words("insider_nouns"),
        filing_nouns=words("filing_nouns"),
    )


# -- the component -----------------------------------------------------------------------

@Language.factory("chinatech_claims", assigns=["doc._.ct_claims"], default_config={"min_score": 2.0})
def make_claims(nlp: Language, name: str, min_score: float) -> "Claims":
    return Claims(load_cues(), min_score=min_score)


class Claims:
    """Keep sentences scoring at least `min_score`, with type, attribution, hedge and negation."""

    def __init__(self, cues: Cues, *, min_score: float = 2.0):
        self.cues = cues
        self.min_score = min_score

    def __call__(self, doc: Doc) -> Doc:
        doc._.ct_claims = [row for row in iter_claims(doc, self.cues) if row["score"] >= self.min_score]
        return doc


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # person | organisation | report


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    kind: str  # person | organisation
    label: str = ""  # the span group's label ("publisher" for a research firm or outlet)


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    closed: bool


@dataclass
class Context:
    """Per-document facts the sentence rules look up."""

    doc: Doc
    text: str
    cues: Cues
    mentions: list[Mention]
    reports: list[str]  # report titles the article names, the main one first
    quotes: list[Quote]
    line_starts: list[int]
    ents: list[Span]  # doc.ents and span groups, built once (spaCy rebuilds them per access)
    groups: dict[str, list[Span]]
    subjects: set[int]  # start offsets of mentions that are a clause's subject
    tokens: list[Token]  # built once: iterating a Span makes new Token objects every time

    @property
    def report(self) -> str:
        return self.reports[0] if self.reports else ""

    @property
    def publisher(self) -> str:
        """The one research firm or outlet the article cites, or '' (none, or several)."""
        names = {m.name for m in self.mentions if m.label in ("publisher", "source")}
        return next(iter(names)) if len(names) == 1 else ""

    def tokens_of(self, span: Span) -> list[Token]:
        return self.tokens[span.start:span.end]

    def ents_in(self, start: int, end: int) -> list[Span]:
        return [e for e in self.ents if start <= e.start and e.end <= end]


def context(doc: Doc, cues: Cues) -> Context:
    # spaCy rebuilds doc.text, doc.ents and span groups on every access: read them once.
    text = doc.text
    groups = {key: list(doc.spans[key]) if key in doc.spans else [] for key in (PEOPLE, COMPANIES, PRODUCTS)}
    ents = list(doc.ents)
    found = [m for m in mentions(doc, ents, groups) if not _aside(m, doc, text, groups, cues)]
    return Context(doc, text, cues, found, report_titles(doc, text, cues), find_quotes(text),
                   line_starts(text), ents, groups, subject_mentions(doc, found), list(doc))


def iter_claims(doc: Doc, cues: Cues) -> Iterator[dict]:
    """Yield one scored row per sentence that asserts something (before the score cut)."""
    sents = sentences(doc)
    ctx = context(doc, cues)
    groups = quote_groups(ctx)
    speakers = quote_speakers(ctx, groups, sents)
    # Credit lines under quotations say who spoke; they are not claims themselves.
    credits = {credit[0] for credit in map(lambda g: credit_line(ctx, g), groups) if credit}
    carried: Source | None = None
    for number, sent in merge_bracket_fragments(sents, ctx.text):
        span = claim_span(sent)
        if not len(span):
            continue
        quote = covering_group(ctx, groups, span)
        own, by_verb = sentence_source(span, ctx)
        continued = continued_source(span, carried) if own is None and quote is None else None
        source = own or (speakers.get(quote) if quote is not None else None) or continued
        if _finite(ctx.tokens_of(span)):
            # Fragments ("One led by X.") do not interrupt reported speech.
            carried = own if by_verb else continued
        if line_of(ctx, span.start_char) in credits or dropped(span, ctx, quoted=quote is not None):
            continue
        yield claim_row(span, number, ctx, source=source, quoted=quote is not None)


def merge_bracket_fragments(sents: list[Span], text: str) -> Iterator[tuple[int, Span]]:
    """Sentences numbered as parsed, with a break inside square brackets undone.

    The parser sometimes ends a sentence at a ticker aside ("... stock [NYSE: XYZ] closed
    up") and starts the next one at or inside the brackets; such a sentence belongs to the
    one before when both share a line and that one has no final stop. The number kept is
    the first part's.
    """
    merged: list[tuple[int, Span]] = []
    for number, sent in enumerate(sents):
        previous = merged[-1][1] if merged else None
        between = text[previous.end_char:sent.start_char] if previous is not None else "\n"
        opens = text[sent.start_char:sent.end_char].lstrip().startswith("[") and \
            text[:sent.start_char].rstrip()[-1:] not in FINAL + "?"
        if previous is not None and "\n" not in between and (opens or _open_bracket_at(text, sent.start_char)):
            first_number, first = merged[-1]
            merged[-1] = (first_number, sent.doc[first.start:sent.end])
        else:
            merged.append((number, sent))
    yield from merged


def _open_bracket_at(text: str, char: int) -> bool:
    """Whether a square bracket opened earlier on the line is still open at `char`."""
    line = text[text.rfind("\n", 0, char) + 1:char]
    depth = 0
    for c in line:
        depth = depth + 1 if c == "[" else max(depth - 1, 0) if c == "]" else depth
    return depth > 0


# -- people, organisations and the report --------------------------------------------------

def mentions(doc: Doc, ents: list[Span], groups: dict[str, list[Span]]) -> list[Mention]:
    """Person and organisation mentions: chinatech's span groups first, NER for the rest."""
    found: list[Mention] = []
    taken: set[int] = {i for s in groups[PRODUCTS] for i in range(s.start, s.end)}
    for key, kind in ((PEOPLE, "person"), (COMPANIES, "organisation")):
        for span in groups[key]:
            found.append(Mention(span.start_char, span.end_char, span.kb_id_ or span.text, kind, span.label_))
            taken.update(range(span.start, span.end))
    for ent in ents:
        if ent.label_ in ("PERSON", "ORG") and not taken.intersection(range(ent.start, ent.end)):
            kind = "person" if ent.label_ == "PERSON" else "organisation"
            found.append(Mention(ent.start_char, ent.end_char, name_text(ent), kind))
    found += surname_mentions(doc, found, groups[COMPANIES])
    return sorted(full_names(found), key=lambda m: m.start)


def _aside(mention: Mention, doc: Doc, text: str, groups: dict[str, list[Span]], cues: Cues) -> bool:
    """Names that are not an actor of their own: a ticker in square brackets ("[NYSE: XYZ]"),
    or a word the NER tagged inside a descriptive noun phrase ("the NEV startup")."""
    if _open_bracket_at(text, mention.start):
        return True
    if any(s.start_char <= mention.start and mention.end <= s.end_char for k in (PEOPLE, COMPANIES) for s in groups[k]):
        return False
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    return root.dep_ in ("compound", "amod") and root.head.lemma_.lower() in cues.organisation_nouns and \
        any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in root.head.children)


def subject_mentions(doc: Doc, found: list[Mention]) -> set[int]:
    """Mentions that are (or head an apposition to) a clause's subject."""
    subjects = set()
    for m in found:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        root = span.root if span is not None and len(span) else None
        if root is not None and (root.dep_ in SUBJECTS or root.dep_ in ("appos", "compound", "poss") and root.head.dep_ in SUBJECTS):
            subjects.add(m.start)
    return subjects


def surname_mentions(doc: Doc, found: list[Mention], companies: list[Span]) -> list[Mention]:
    """Later bare uses of a named person's family or given name ("Zhang" after "Wei Zhang"),
    which the statistical NER often tags ORG or misses."""
    people = [m for m in found if m.kind == "person" and len(m.name.split()) > 1]
    if not people:
        return []
    company_chars = {i for s in companies for i in range(s.start_char, s.end_char)}
    covered = {i for m in found if m.kind == "person" for i in range(m.start, m.end)}
    extra = []
    for token in doc:
        if token.pos_ != "PROPN" or not token.is_title or token.idx in covered or token.idx in company_chars:
            continue
        earlier = [p for p in people if p.end <= token.idx and token.text in (p.name.split()[0], p.name.split()[-1])]
        if earlier:
            extra.append(Mention(token.idx, token.idx + len(token.text), earlier[-1].name, "person"))
    return extra


def name_text(span: Span) -> str:
    """An entity's text without a leading article or trailing possessive ("the Lumo's" -> "Lumo")."""
    return _strip_article(re.sub(r"[’']s?$", "", span.text).strip())


def full_names(found: list[Mention]) -> list[Mention]:
    """A lone family or given name ("Zhang") takes the full name it belongs to ("Wei Zhang")."""
    full = [m.name for m in found if m.kind == "person" and len(m.name.split()) > 1]
    result = []
    for m in found:
        if m.kind == "person" and len(m.name.split()) == 1:
            match = next((f for f in full if m.name in (f.split()[0], f.split()[-1])), None)
            m = Mention(m.start, m.end, match or m.name, m.kind, m.label)
        result.append(m)
    return result


def report_titles(doc: Doc, body: str, cues: Cues) -> list[str]:
    """The reports the article names, the main one first: the title most mentions agree
    with ("China Mobile Report" supports "China Mobile Report 2023"), the longer on a tie."""
    text = f"{meta(doc).get('title') or ''}\n{body}"
    found = [LEADING.sub("", m.group(0)) for m in cues.report_title.finditer(text)]
    found = [f for f in found if len(f.split()) > 1]
    support = {f: sum(other in f for other in found) for f in set(found)}
    return sorted(support, key=lambda f: (-support[f], -len(f), f))


def title_pattern(heads: list[str]) -> re.Pattern:
    """Capitalised words (with of/on/and between) ending in a report head, maybe a year."""
    ends = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True)) or r"(?!)"
    word = r"(?:[A-Z][\w&’'.-]*|of|on|and|for|the|in)"
    return re.compile(rf"\b(?:[A-Z][\w&’'.-]*\s+)(?:{word}\s+){{0,6}}?(?:{ends})(?:\s+(?:19|20)\d\d)?\b")


def report_title(doc: Doc, body: str, cues: Cues) -> str:
    """The report the article names most ("" when it names none)."""
    titles = report_titles(doc, body, cues)
    return titles[0] if titles else ""


# -- quotations --------------------------------------------------------------------------

def find_quotes(text: str) -> list[Quote]:
    """Quotation spans per line; a quote left open runs to the line's end.

    Single quotes are ignored: ’ is far more often an apostrophe than a closing mark.
    """
    quotes: list[Quote] = []
    position = 0
    for line in text.split("\n"):
        quotes.extend(_line_quotes(line, position))
        position += len(line) + 1
    return quotes


def _line_quotes(line: str, offset: int) -> Iterator[Quote]:
    opened: int | None = None
    for i, char in enumerate(line):
        if char in OPEN_QUOTES and opened is None:
            opened = i
        elif char in CLOSE_QUOTES and opened is not None:
            yield Quote(offset + opened, offset + i + 1, True)
            opened = None
        elif char == '"':
            if opened is None:
                opened = i
            else:
                yield Quote(offset + opened, offset + i + 1, True)
                opened = None
    if opened is not None:
        yield Quote(offset + opened, offset + len(line.rstrip()), False)


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def line_of(ctx: Context, char: int) -> int:
    return bisect_right(ctx.line_starts, char) - 1


def next_text_line(ctx: Context, line: int) -> int | None:
    """The next line holding text after `line` (blank lines between paragraphs skipped)."""
    text = ctx.text
    for number in range(line + 1, len(ctx.line_starts)):
        start = ctx.line_starts[number]
        end = ctx.line_starts[number + 1] if number + 1 < len(ctx.line_starts) else len(text)
        if text[start:end].strip():
            return number
    return None


def line_text(ctx: Context, line: int) -> tuple[int, str]:
    start = ctx.line_starts[line]
    end = ctx.line_starts[line + 1] if line + 1 < len(ctx.line_starts) else len(ctx.text)
    return start, ctx.text[start:end]


def quote_groups(ctx: Context) -> list[tuple[Quote, ...]]:
    """Speech quotations, one group per quote; an open quote continues into the next
    paragraph when that paragraph opens with a quotation mark (the multi-paragraph convention)."""
    groups: list[list[Quote]] = []
    for quote in ctx.quotes:
        last = groups[-1][-1] if groups else None
        if last is not None and not last.closed and _opens_line(ctx, quote) and \
                next_text_line(ctx, line_of(ctx, last.start)) == line_of(ctx, quote.start):
            groups[-1].append(quote)
        else:
            groups.append([quote])
    return [tuple(g) for g in groups if is_speech(ctx, g)]


def _opens_line(ctx: Context, quote: Quote) -> bool:
    start, text = line_text(ctx, line_of(ctx, quote.start))
    return not text[:quote.start - start].strip(BULLETS + " \t")


def is_speech(ctx: Context, group: list[Quote]) -> bool:
    """Long enough, and opening a sentence or following a colon, comma or reporting verb."""
    words = sum(len(re.findall(r"\w+", ctx.text[q.start:q.end])) for q in group)
    if words < MIN_QUOTE_WORDS:
        return False
    first = group[0]
    before = ctx.text[:first.start].rstrip(" \t" + BULLETS)
    if not before or before[-1] in "\n:,.!?" or _opens_line(ctx, first):
        return True
    token = ctx.doc.char_span(first.start, first.start + 1, alignment_mode="expand")
    previous = ctx.doc[token.start - 1] if token is not None and token.start > 0 else None
    return previous is not None and reporting_verb(previous, ctx.cues)


def inside_quote(ctx: Context, start: int, end: int) -> bool:
    return any(q.start <= start and end <= q.end for q in ctx.quotes)


def covering_group(ctx: Context, groups: list[tuple[Quote, ...]], span: Span) -> tuple[Quote, ...] | None:
    """The speech quotation holding a third or more of the sentence, if any (a quote opening
    after 'X, an analyst at Y, was blunt:' still makes the sentence X's)."""
    size = max(span.end_char - span.start_char, 1)
    for group in groups:
        inside = sum(max(0, min(q.end, span.end_char) - max(q.start, span.start_char)) for q in group)
        if inside * 3 >= size:
            return group
    return None


def quote_speakers(ctx: Context, groups: list[tuple[Quote, ...]], sents: list[Span]) -> dict:
    """Who speaks each quotation: a cue around it, a dash line under it, or the quote before."""
    speakers: dict[tuple[Quote, ...], Source] = {}
    previous: tuple[tuple[Quote, ...], Source] | None = None
    for group in groups:
        credit = credit_line(ctx, group)
        speaker = _cue_speaker(ctx, group, sents) or (credit[1] if credit else None)
        if speaker is None and previous is not None and _follows(ctx, previous[0], group):
            speaker = previous[1]
        if speaker is not None:
            speakers[group] = speaker
            previous = (group, speaker)
    return speakers


def _follows(ctx: Context, earlier: tuple[Quote, ...], group: tuple[Quote, ...]) -> bool:
    """A quote without a cue continues the speaker of the quote just before it, in the same
    paragraph ('"A," Li said. "B."') or opening the next one."""
    last_line, line = line_of(ctx, earlier[-1].start), line_of(ctx, group[0].start)
    return line == last_line or (next_text_line(ctx, last_line) == line and _opens_line(ctx, group[0]))


def _cue_speaker(ctx: Context, group: tuple[Quote, ...], sents: list[Span]) -> Source | None:
    """A reporting cue outside the quote in the sentence that closes it, opens it, or a short
    sentence right after it ("... happening.” He said.")."""
    ends = [s for s in sents if s.start_char < group[-1].end <= s.end_char]
    starts = [s for s in sents if s.start_char <= group[0].start < s.end_char]
    after = [s for s in sents if s.start_char >= group[-1].end][:1]
    after = [s for s in after if len(s) <= 8 and line_of(ctx, s.start_char) == line_of(ctx, group[-1].start)]
    for sent in [*ends, *starts, *after]:
        source, _ = sentence_source(sent, ctx, before=group[0].start)
        if source is not None:
            return source
    return _colon_speaker(ctx, group, starts)


def _colon_speaker(ctx: Context, group: tuple[Quote, ...], starts: list[Span]) -> Source | None:
    """'X, an analyst at Y, was blunt: "..."': the first name in the words before the colon."""
    if not starts or not ctx.text[:group[0].start].rstrip().endswith(":"):
        return None
    before = [m for m in ctx.mentions if starts[0].start_char <= m.start and m.end <= group[0].start]
    chosen = min(before, key=lambda m: (m.kind != "person", m.start), default=None)
    return Source(chosen.name, chosen.kind) if chosen else None


def credit_line(ctx: Context, group: tuple[Quote, ...]) -> tuple[int, Source] | None:
    """'—Name, a title at Org ...' on the line after the quotation paragraph: the line and the
    person it names. A hyphen bullet list after a quote is not a credit line."""
    number = next_text_line(ctx, line_of(ctx, group[-1].start))
    if number is None:
        return None
    start, text = line_text(ctx, number)
    stripped = text.lstrip()
    if not (stripped[:1] in CREDIT_DASHES or stripped.startswith("--")):
        return None
    offset = start + len(text) - len(stripped)
    first = next((m for m in ctx.mentions if offset <= m.start < start + len(text)), None)
    if first is not None and first.kind == "person" and first.start - offset <= 3:
        return number, Source(first.name, "person")
    name = stripped.lstrip(DASHES + " ").split(",")[0].strip()
    words = name.split()
    if 0 < len(words) <= 4 and all(w[:1].isupper() for w in words):
        return number, Source(name, "person")
    return None


# -- reported speech -----------------------------------------------------------------------

def reporting_verb(token: Token, cues: Cues) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return False
    if lemma in cues.phrasal:
        return any(c.dep_ == "prt" and c.lower_ == cues.phrasal[lemma] for c in token.children)
    # "Bank of America sees 3bn robots": such verbs report only a figure (see _reports_figure).
    return lemma in cues.reporting or (lemma in cues.figure_reporting and _reports_figure(token, cues))


def sentence_source(span: Span, ctx: Context, *, before: int | None = None) -> tuple[Source | None, bool]:
    """The source the sentence itself names, and whether a reporting verb named it."""
    finders = ((_according_to, False), (_reporting_subject, True), (_passive_agent, False), (_ranking_owner, False))
    for finder, by_verb in finders:
        source = finder(span, ctx, before)
        if source is not None:
            return source, by_verb
    return None, False


def _according_to(span: Span, ctx: Context, before: int | None) -> Source | None:
    for token in ctx.tokens_of(span):
        if token.lower_ == "according" and not _quoted(ctx, token):
            to = next((c for c in token.children if c.lower_ == "to"), None)
            if to is None and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
                to = token.nbor()
            objects = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
            if objects:
                return resolve(_phrase(objects[0]), ctx, before=before if before is not None else token.idx, cited=True)
    return None


def _reporting_subject(span: Span, ctx: Context, before: int | None) -> Source | None:
    verbs = [t for t in ctx.tokens_of(span) if reporting_verb(t, ctx.cues) and not _quoted(ctx, t)]
    # The outermost reporting verb first: in "X revealed Y, said the report" the report speaks,
    # and "As Bloomberg reported, X revealed Y" frames X's words as Bloomberg's report.
    for token in sorted(verbs, key=lambda t: (not _as_frame(t), _depth(t))):
        if not _reports_content(token, span, ctx):
            continue
        subject = _subject_of(token)
        if subject is not None and _quoted(ctx, subject):
            continue
        anchor = before if before is not None else token.idx
        if subject is None:
            source = _nearest_in(span, ctx, token)
        elif subject.lower_ in ("i", "we", "you", "they", "there"):
            # "I think" outside a quotation is the author's own opinion; "they"/"there" name no one.
            return None
        else:
            source = resolve(_phrase(subject), ctx, before=anchor)
        if source is not None:
            return source
    return None


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def _reports_content(verb: Token, span: Span, ctx: Context) -> bool:
    """A reporting verb attributes only when it carries a clause or a quotation."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in verb.children):
        return True
    if verb.dep_ == "parataxis" or _trailing_clause(verb, span):
        return True
    if _as_frame(verb):
        return True  # "As Bloomberg has reported, X ...": the clause it hangs from is the report
    if _reports_figure(verb, ctx.cues):
        return True
    return any(q.start >= span.start_char and q.end <= span.end_char + 1 for q in ctx.quotes)


def _as_frame(verb: Token) -> bool:
    """"As Bloomberg has reported, ...": a reporting clause framing the whole sentence."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)


def _reports_figure(verb: Token, cues: Cues) -> bool:
    """'X reported a 40% rise in revenue': a disclosure verb whose object holds a figure."""
    if verb.lemma_.lower() not in cues.figure_reporting:
        return False
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return any(t.like_num for c in objects for t in c.subtree) or \
        any(t.like_num for c in verb.children if c.dep_ == "prep" for t in c.subtree) and bool(objects)


def _trailing_clause(verb: Token, span: Span) -> bool:
    """'..., said the report.' / '..., analysts wrote in a note.': a short clause after a comma
    that ends the sentence, however the parser attached it."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    start = min(verb.i, subject.left_edge.i) if subject is not None else verb.i
    if start == 0 or span.doc[start - 1].text not in (",", "”", '"'):
        return False
    rest = [t for t in span.doc[start:span.end] if not (t.is_punct or t.is_space)]
    return len(rest) <= TRAILING_CLAUSE and all(t.i == verb.i or verb.is_ancestor(t) for t in rest)


def _subject_of(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the clause it hangs from ("X made waves by predicting")."""
    token = verb
    for _ in range(4):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            # "carmaker Nio said" can come out as two subjects: the one next to the verb names.
            return min(subjects, key=lambda c: abs(verb.i - c.i))
        if token.dep_ not in ("advcl", "pcomp", "prep", "xcomp", "conj", "acl") or token.head.i == token.i:
            return None
        token = token.head
    return None


def _nearest_in(span: Span, ctx: Context, verb: Token) -> Source | None:
    """Fallback when the parse gives the verb no subject: the first name outside quotes, or
    the name right after the verb ('..., said chief analyst Wei Zhang')."""
    # "X told Reuters that ...": the verb's object is who heard it, never the speaker.
    heard = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    candidates = [m for m in ctx.mentions if span.start_char <= m.start and m.end <= span.end_char
                  and not inside_quote(ctx, m.start, m.end)
                  and not any(c.idx <= m.start < c.idx + len(c.text) for c in heard)]
    after = [m for m in candidates if m.start > verb.idx and m.start - verb.idx < 60]
    before = sorted((m for m in candidates if m.end <= verb.idx), key=lambda m: m.kind != "person")
    chosen = after[0] if after else (before[0] if before else None)
    return Source(chosen.name, chosen.kind) if chosen else None


def _passive_agent(span: Span, ctx: Context, before: int | None) -> Source | None:
    """'was ranked first by X', 'named among the ten best by X' (the parser often hangs
    the by-phrase on the noun before it)."""
    for token in ctx.tokens_of(span):
        if token.lemma_.lower() not in ctx.cues.evaluative or token.tag_ != "VBN":
            continue
        for prep in token.subtree:
            if prep.lower_ != "by" or prep.dep_ not in ("agent", "prep") or not _same_clause(prep, token):
                continue
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            source = resolve(_phrase(objects[0]), ctx, before=token.idx, names_only=True) if objects else None
            if source is not None:
                return source
    return None


def _ranking_owner(span: Span, ctx: Context, before: int | None) -> Source | None:
    """'the top spot on Canalys' list', 'fifth in IDC's data': the list's owner compiled it.
    Only as the object of on/in: 'X disputed IDC's numbers' is X's claim, not IDC's."""
    for token in ctx.tokens_of(span):
        if token.lower_ not in ("on", "in") or _quoted(ctx, token):
            continue
        for noun in (c for c in token.children if c.dep_ == "pobj"):
            if noun.lemma_.lower() not in ctx.cues.ranking_documents and noun.lower_ not in ctx.cues.ranking_documents:
                continue
            owner = next((c for c in noun.children if c.dep_ == "poss"), None)
            if owner is None:
                continue
            found = [m for m in ctx.mentions if m.kind == "organisation"
                     and m.start <= owner.idx < m.end]
            if found:
                return Source(found[0].name, "organisation")
    return None


def _same_clause(token: Token, verb: Token) -> bool:
    """Whether `token` hangs from `verb` through nouns and prepositions only."""
    head = token.head
    while head.i != verb.i:
        if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
            return False
        head = head.head
    return True


def continued_source(span: Span, carried: Source | None) -> Source | None:
    """A backshifted 'would' sentence right after reported speech keeps its source."""
    if carried is None:
        return None
    root = span.root
    return carried if any(c.lower_ == "would" and c.dep_ == "aux" for c in root.children) else None


def _quoted(ctx: Context, token: Token) -> bool:
    return inside_quote(ctx, token.idx, token.idx + len(token.text))


def _phrase(token: Token) -> Span:
    return token.doc[token.left_edge.i:token.right_edge.i + 1]


def resolve(phrase: Span, ctx: Context, *, before: int, names_only: bool = False, cited: bool = False) -> Source | None:
    """Name the source a noun phrase points to: a report, a person, an organisation.

    `cited` marks the object of "according to", where "the firm" is more often the research
    firm the article cites than the company the sentence is about.
    """
    head = phrase.root
    named = [t for t in ctx.reports if t in phrase.text]
    if named:
        return Source(max(named, key=len), "report")
    if ctx.report and head.lemma_.lower() in ctx.cues.report_nouns:
        return Source(ctx.report, "report")
    if head.pos_ == "NOUN" and head.lemma_.lower() in ctx.cues.happening_nouns:
        return None  # "Huawei's rise shows ...": the author reads the events; Huawei says nothing
    issuer = _document_issuer(head, ctx, before)
    if issuer is not None:
        return issuer
    core = core_phrase(phrase)
    if _points_back(core, ctx.cues) and not _names_itself(core, ctx):
        # "The NEV startup said", "the company, which ... Trump ..., reported": the words
        # around the noun describe the organisation meant earlier; they do not name it.
        return antecedent(ctx, min(before, core.start_char), head, cited=cited)
    inside = [m for m in ctx.mentions if phrase.start_char <= m.start and m.end <= phrase.end_char
              and not _proximate(m, phrase, ctx)]
    for kind in ("person", "organisation"):
        found = [m for m in inside if m.kind == kind]
        if found:
            return Source(found[0].name, kind)
    if head.lemma_.lower() in ctx.cues.report_nouns:
        # No report named in the article: "new research said" is the one research firm it
        # cites; else keep the words the text uses ("the report").
        owner = _report_owner(head, ctx)
        if owner is not None:
            return owner
        if ctx.publisher and head.tag_ in ("NN", "NNP"):  # "multiple media reports" are not that firm's
            return Source(ctx.publisher, "organisation")
        return Source(trim(phrase).text, "report")
    lower = head.lower_
    if lower in ("he", "she", "him", "her"):
        return _nearest(ctx, before, "person")
    if lower == "it" or _points_back(phrase, ctx.cues):
        return _nearest(ctx, before, "organisation")
    if names_only:
        return None
    if head.lemma_.lower() in ctx.cues.insider_nouns and phrase.start_char < before:
        # "Executives said on the earnings call": the company speaks through its own people.
        found = _nearest(ctx, before, "organisation")
        if found is not None:
            return found
    # Unnamed people ("analysts", "people familiar with the matter") are sources; "data" or
    # "figures" showing something are not.
    if head.lemma_.lower() in ctx.cues.people_nouns or head.lower_ in ctx.cues.people_nouns:  # "media" -> "medium"
        return _unnamed(phrase)
    if head.pos_ == "PROPN":
        return Source(_strip_article(trim(phrase).text), "organisation")
    return None


# Unnamed people ("experts believe", "sources close to X said") are a source but name no
# one: attributed_to keeps the text's own words, and source_type "unnamed" says they are
# no name to join on, nor the author's own claim.

def _document_issuer(head: Token, ctx: Context, before: int) -> Source | None:
    """The organisation whose own document a noun is: "according to its latest filing", "the
    carrier's latest figures", "according to a stock filing" (only the firm itself files)."""
    lemma, lower = head.lemma_.lower(), head.lower_
    if lemma in ctx.cues.filing_nouns:
        return _nearest(ctx, before, "organisation")
    owner = next((c for c in head.children if c.dep_ == "poss"), None)
    if owner is None or (lemma not in ctx.cues.document_nouns and lower not in ctx.cues.document_nouns):
        return None
    if owner.lower_ in ("its", "their"):
        return _nearest(ctx, before, "organisation")
    found = resolve(_phrase(owner), ctx, before=before, names_only=True)
    return found if found is not None and found.kind == "organisation" else None


def _report_owner(head: Token, ctx: Context) -> Source | None:
    """"The analysis noted ..." after "Reuters published an analysis" / "Reuters' analysis": the
    firm named with the last earlier mention of the same report noun, if one was."""
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children):
        return None
    lemma = head.lemma_.lower()
    earlier = [t for t in ctx.tokens[:head.i] if t.lemma_.lower() == lemma and not _quoted(ctx, t)]
    for noun in reversed(earlier):
        sent = noun.sent
        named = [m for m in ctx.mentions if m.kind == "organisation" and sent.start_char <= m.start < sent.end_char]
        cited = [m for m in named if m.label in ("publisher", "source")] or named
        if cited:
            return Source(min(cited, key=lambda m: abs(m.start - noun.idx)).name, "organisation")
    return None


def _unnamed(phrase: Span) -> Source:
    """An unnamed source in the words the text uses, without its count or article:
    "according to three people familiar with the plans" -> "people familiar with the plans"."""
    words = trim(phrase)
    start = words.start
    while start < words.end - 1 and (words.doc[start].dep_ in ("det", "nummod", "quantmod", "predet")
                                     or words.doc[start].tag_ in ("DT", "CD", "PDT")
                                     or words.doc[start].lower_ in ("several", "multiple", "many", "various")):
        start += 1
    return Source(words.doc[start:words.end].text, "unnamed")


def core_phrase(phrase: Span) -> Span:
    """The noun and what precedes it ("The NEV startup"), without relative clauses,
    appositions and prepositional phrases after it."""
    head = phrase.root
    return phrase.doc[max(phrase.start, head.left_edge.i):head.i + 1]


def _names_itself(core: Span, ctx: Context) -> bool:
    """A known company or person in the noun phrase ("the Nio unit") names it; a word the
    statistical NER happened to tag ("the NEV startup", "the Shenzhen-based firm") does not."""
    return any(core.start_char <= s.start_char and s.end_char <= core.end_char
               for key in (COMPANIES, PEOPLE) for s in ctx.groups[key])


def _proximate(mention: Mention, phrase: Span, ctx: Context) -> bool:
    """'sources close to X', 'people familiar with X': X is whom they are near, not a speaker."""
    span = ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    token = span.root
    for _ in range(8):
        if token.i == phrase.root.i or token.head.i == token.i:
            return False
        token = token.head
        if token.lemma_.lower() in ctx.cues.proximity:
            return True
    return False


def antecedent(ctx: Context, before: int, noun: Token, *, cited: bool = False) -> Source | None:
    """The organisation "the firm" / "the company" points back to.

    First the latest one introduced with the same noun ("analyst firm IDC ... according to
    the firm"); for a citation, next the latest publisher or research firm; else the nearest.
    """
    earlier = [m for m in ctx.mentions if m.end <= before and m.kind == "organisation"
               and not inside_quote(ctx, m.start, m.end)]
    lemma = noun.lemma_.lower()
    described = [m for m in earlier if lemma in _descriptors(ctx, m)]
    if described:
        return Source(described[-1].name, "organisation")
    if cited:
        sources = [m for m in earlier if m.label == "publisher"]
        if sources:
            return Source(sources[-1].name, "organisation")
    return _nearest(ctx, before, "organisation")


def _descriptors(ctx: Context, mention: Mention) -> set[str]:
    """Nouns that introduce a name: 'research firm X', 'X, a Shanghai startup,'."""
    span = ctx.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return set()
    words = set()
    if span.start > 0 and ctx.tokens[span.start - 1].pos_ == "NOUN":
        words.add(ctx.tokens[span.start - 1].lemma_.lower())
    root = span.root
    words.update(c.lemma_.lower() for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN")
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        words.add(root.head.lemma_.lower())
    return words


def _points_back(phrase: Span, cues: Cues) -> bool:
    """'the company', 'the Shenzhen-based firm': a definite generic noun for an organisation."""
    return phrase.root.lemma_.lower() in cues.organisation_nouns and phrase[0].lower_ in ("the", "this")


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I)


def _nearest(ctx: Context, before: int, kind: str) -> Source | None:
    """The closest mention of `kind` before `before`, skipping names said inside quotations.

    "It" and "the company" point back to an organisation that was a sentence's subject,
    not to the investor named in a relative clause on the way.
    """
    earlier = [m for m in ctx.mentions if m.end <= before and m.kind == kind and not inside_quote(ctx, m.start, m.end)]
    if kind == "organisation" and earlier:
        # "Lumo's revenue rose, the company said": a name earlier in the same sentence comes first.
        sentence = ctx.doc.char_span(earlier[-1].start, earlier[-1].end, alignment_mode="expand").sent
        same = before < sentence.end_char
        earlier = earlier if same else [m for m in earlier if m.start in ctx.subjects] or earlier
    return Source(earlier[-1].name, kind) if earlier else None


# -- which sentences are claims ------------------------------------------------------------

def claim_span(sent: Span) -> Span:
    """The sentence without surrounding space, punctuation and list bullets."""
    span = trim(sent)
    start = span.start
    while start < span.end and span.doc[start].text in BULLETS:
        start += 1
    return span.doc[start:span.end] if start != span.start else span


def dropped(span: Span, ctx: Context, *, quoted: bool) -> bool:
    """Questions, headings, fragments, calls to action, rhetoric addressed to the reader."""
    tokens = ctx.tokens_of(span)
    words = [t for t in tokens if t.is_alpha or t.like_num]
    if len(words) < MIN_WORDS or _final_mark(span, ctx.text) == "?":
        return True
    if _is_heading(span, ctx) or not _finite(tokens):
        return True
    if not quoted and any(t.lower_ in READER_WORDS and not _quoted(ctx, t) for t in tokens):
        return True
    return _imperative(span.root, tokens)


def _is_heading(span: Span, ctx: Context) -> bool:
    """A line of its own without final punctuation (a sentence the parser split mid-paragraph stays)."""
    if _final_mark(span, ctx.text) in FINAL:
        return False
    start, line = line_text(ctx, line_of(ctx, span.start_char))
    return not line[:span.start_char - start].strip(BULLETS + " \t") and not line[span.end_char - start:].strip(" \t\n.")


def _finite(tokens: list[Token]) -> bool:
    return any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in tokens)


def _final_mark(span: Span, text: str) -> str:
    """The sentence's last mark, looking past the closing quotes and brackets that trim() keeps."""
    sent = span.sent
    tail = text[span.start_char:max(sent.end_char, span.end_char)].rstrip()
    return tail.rstrip(CLOSE_QUOTES + "\"’)]").rstrip()[-1:]


def _imperative(root: Token, tokens: list[Token]) -> bool:
    """'Ponder that ...', 'Take for example ...': a bare verb opening the sentence, no subject."""
    first = next((t for t in tokens if not t.is_punct), None)
    # The tagger reads a sentence-opening bare verb as VB or VBP; without a subject both are commands.
    if first is None or root.tag_ not in ("VB", "VBP") or first.i != root.i:
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children)


def claim_row(span: Span, number: int, ctx: Context, *, source: Source | None, quoted: bool) -> dict:
    features = claim_features(span, ctx, quoted=quoted or (source is not None and _has_quote(span, ctx)))
    root = content_root(span, ctx)
    return {
        "sentence_id": number, "text": span.text, "start_char": span.start_char, "end_char": span.end_char,
        "subject": subject_name(root, ctx), "predicate": root.lemma_.lower(), "object": object_text(root),
        "claim_type": features["type"], "attributed_to": source.name if source else "",
        "source_type": source.kind if source else "author",
        "hedged": hedged(ctx.tokens_of(span), ctx.cues), "negated": negated(root),
        "score": round(score(features, attributed=source is not None), 2),
    }


def _has_quote(span: Span, ctx: Context) -> bool:
    return any(span.start_char <= q.start and q.end <= span.end_char + 1 and
               len(re.findall(r"\w+", ctx.text[q.start:q.end])) >= MIN_QUOTE_WORDS for q in ctx.quotes)


def claim_features(span: Span, ctx: Context, *, quoted: bool) -> dict:
    """What makes the sentence checkable; `type` is the strongest kind found."""
    cues = ctx.cues
    tokens = ctx.tokens_of(span)
    root = span_root(span)
    found = {
        "quote": quoted,
        "statistic": any(_is_figure(t, cues) for t in tokens),
        "ranking": any(t.tag_ in ("JJS", "RBS") for t in tokens) or _ranking_phrase(tokens, cues),
        "comparison": _comparison(tokens, cues),
        "prediction": not quoted and any(_future(t, cues) for t in tokens),
        "event": any(_event(t, cues) for t in tokens),
        "named": _named(span, ctx),
        "dated": any(e.label_ == "DATE" and any(c.isdigit() for c in e.text) for e in ctx.ents_in(span.start, span.end)),
        "past": _past(root),
        "vague_subject": _vague_subject(root),
        "normative": any(t.lower_ in cues.normative and t.tag_ in ("MD", "VBP", "VBZ") for t in tokens),
        "author_voice": any(t.lower_ in AUTHOR_WORDS and not _quoted(ctx, t) for t in tokens),
    }
    order = ("quote", "statistic", "ranking", "comparison", "prediction", "event")
    found["type"] = next((k for k in order if found[k]), "assessment")
    return found


def _is_figure(token: Token, cues: Cues) -> bool:
    """A stated quantity. Not a figure: dates, names with digits ("5G"), vague number words
    ("one of", "dozens of") and number words pointing back ("the two companies")."""
    if not token.like_num or token.ent_type_ in ("DATE", "TIME", "ORDINAL"):
        return False
    if any(c.isdigit() for c in token.text):
        return True
    previous = token.doc[token.i - 1] if token.i > 0 else None
    return token.lower_ not in cues.vague_numbers and not (previous is not None and previous.lower_ == "the")


def _comparison(tokens: list[Token], cues: Cues) -> bool:
    """'more ... than', 'compared with', 'the gap', 'equal to', 'surpassed'."""
    lower = {t.lower_ for t in tokens}
    if any(t.tag_ in ("JJR", "RBR") for t in tokens) and lower & cues.comparison_words:
        return True
    if lower & cues.comparison_nouns or ("equal" in lower and "to" in lower):
        return True
    return any(t.lemma_.lower() in cues.comparison_verbs and t.pos_ == "VERB" for t in tokens)


def _future(token: Token, cues: Cues) -> bool:
    lemma = token.lemma_.lower()
    if lemma not in cues.prediction:
        return False
    return token.tag_ in ("MD", "VBG", "VB", "VBN", "VBD", "VBZ", "VBP", "RB") or lemma == "future"


def _event(token: Token, cues: Cues) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        return lemma in cues.event_verbs
    return token.pos_ == "NOUN" and lemma in cues.event_nouns


def _named(span: Span, ctx: Context) -> int:
    """How many actors and places the sentence names."""
    people = sum(1 for m in ctx.mentions if span.start_char <= m.start < span.end_char)
    products = sum(1 for s in ctx.groups[PRODUCTS] if span.start_char <= s.start_char < span.end_char)
    places = sum(1 for e in ctx.ents_in(span.start, span.end) if e.label_ in ("GPE", "NORP", "PRODUCT", "EVENT", "LAW"))
    return people + products + places


def _past(root: Token) -> bool:
    """Past or present perfect: what happened is checkable; the generic present often is not."""
    if root.tag_ == "VBD":
        return True
    return root.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in root.children)


def _vague_subject(root: Token) -> bool:
    """'This was ...', 'It starts ...', 'Such mentality ...': the subject points elsewhere."""
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return False
    first = subject.doc[subject.left_edge.i]
    return subject.lower_ in VAGUE_WORDS or first.lower_ in VAGUE_WORDS and first.dep_ == "det" or \
        (first.lower_ == "such" and first.i < subject.i)


def _ranking_phrase(tokens: list[Token], cues: Cues) -> bool:
    """'first', 'top', 'No. 1', 'number one' as ranks, not 'at first' or 'a number of'."""
    for t in tokens:
        word = t.lower_
        if word not in cues.ranking:
            continue
        if word == "first" and t.i > 0 and t.nbor(-1).lower_ == "at":
            continue
        if word == "number" and not (t.i + 1 < len(t.doc) and t.nbor().like_num):
            continue
        if word in ("most", "only") and t.tag_ not in ("JJS", "RBS", "JJ"):
            continue
        return True
    return False


# Check-worthiness weights, after ClaimBuster's finding that figures, named entities and the
# past tense mark factual claims: checkable content, named actors and a named source add up;
# normative, first-person-plural or pointing wording (opinion, rhetoric) takes away.
WEIGHTS = {
    "quote": 2.0, "statistic": 2.0, "ranking": 1.5, "comparison": 1.0, "event": 1.0, "prediction": 0.5,
    "dated": 0.5, "past": 0.5, "normative": -1.5, "author_voice": -1.5, "vague_subject": -0.5,
}
NAMED_WEIGHT, NAMED_CAP, ATTRIBUTED_WEIGHT = 0.5, 3, 1.5


def score(features: dict, *, attributed: bool) -> float:
    """Sum the weights of the features found (first-person voice inside a quote is the speaker's)."""
    value = sum(w for k, w in WEIGHTS.items() if features[k] and not (k == "author_voice" and features["quote"]))
    value += min(features["named"], NAMED_CAP) * NAMED_WEIGHT
    return value + (ATTRIBUTED_WEIGHT if attributed else 0.0)


# -- the claim's parts ---------------------------------------------------------------------

def content_root(span: Span, ctx: Context) -> Token:
    """The verb of what is asserted: the clause under a reporting verb, else the sentence root."""
    root = span_root(span)
    if reporting_verb(root, ctx.cues):
        clause = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis")), None)
        if clause is not None:
            return clause
    return root


def span_root(span: Span) -> Token:
    """The span's root; for a sentence rejoined across a bracket the part with a verb."""
    roots = [t for t in span if t.head.i == t.i or not span.start <= t.head.i < span.end]
    verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    return verbs[0] if len(roots) > 1 and verbs else span.root


def _before_bracket(subject: Token) -> Token:
    """A subject the parser found inside a bracketed aside ("stock [NYSE: XYZ] closed" reads
    XYZ as the subject) stands for the noun just before the bracket."""
    doc = subject.doc
    opening = next((t for t in reversed(doc[max(0, subject.i - 6):subject.i + 1])
                    if t.text == "["), None)
    if opening is None or opening.i == 0 or any(t.text == "]" for t in doc[opening.i:subject.i]):
        return subject
    noun = doc[opening.i - 1]
    return noun if noun.pos_ in ("NOUN", "PROPN") else subject


def subject_name(root: Token, ctx: Context) -> str:
    """The claim's subject, by canonical name when it holds a known entity."""
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
    if subject is None:
        # The parser sometimes misses a name opening the clause ("Geely acquired ..." as advmod).
        opening = [m for m in ctx.mentions if root.sent.start_char <= m.start and m.end <= root.idx]
        return opening[-1].name if opening else ""
    subject = _before_bracket(subject)
    # The noun and its modifiers before it ("Lumo's cloud revenue"), not trailing phrases
    # ("shipments in India" is about shipments).
    phrase = root.doc[subject.left_edge.i:subject.i + 1]
    for key in (COMPANIES, PRODUCTS, PEOPLE):
        for span in ctx.groups[key]:
            if phrase.start <= span.start and span.end <= phrase.end:
                return span.kb_id_ or span.text
    named = _apposed_name(subject, ctx)
    if named:
        return named
    if subject.lower_ in ("it", "its") or _points_back(phrase, ctx.cues) and not _names_itself(phrase, ctx):
        found = antecedent(ctx, subject.idx if subject.lower_ in ("it", "its") else phrase.start_char, subject)
        return found.name if found else _strip_article(trim(phrase).text)
    owner = next((c for c in subject.children if c.dep_ == "poss"), None)
    if owner is not None:
        owned = root.doc[owner.left_edge.i:owner.i + 1]
        if _points_back(owned, ctx.cues) and not _names_itself(owned, ctx):
            # "The Beijing-based firm's stock": the firm meant earlier, not "Beijing".
            found = antecedent(ctx, owned.start_char, owner)
            if found:
                return found.name
    # An entity names the subject only when it is the noun itself or its owner: a place
    # or nationality modifying it ("Chinese carmakers", "Beijing-based firm") does not.
    ents = [e for e in ctx.ents_in(phrase.start, phrase.end) if e.label_ in NAMED_ENTS
            and (e.start <= subject.i < e.end or owner is not None and e.start <= owner.i < e.end)]
    if ents:
        return name_text(ents[0])
    return _strip_article(trim(phrase).text)


def _apposed_name(subject: Token, ctx: Context) -> str:
    """'Venture capitalist, Wei Zhang, founded ...': the one name set beside a descriptive
    noun (a list of names after it is not one subject)."""
    for appos in (c for c in subject.children if c.dep_ == "appos"):
        if any(c.dep_ == "conj" for c in appos.children):
            return ""
        for key in (COMPANIES, PEOPLE, PRODUCTS):
            for span in ctx.groups[key]:
                if span.start <= appos.i < span.end:
                    return span.kb_id_ or span.text
        for ent in ctx.ents:
            if ent.label_ in ("PERSON", "ORG") and ent.start <= appos.i < ent.end:
                return name_text(ent)
    return ""


def object_text(root: Token) -> str:
    for dep in ("dobj", "attr", "acomp", "oprd", "xcomp"):
        child = next((c for c in root.children if c.dep_ == dep), None)
        if child is not None:
            return trim(_phrase(child)).text
    prep = next((c for c in root.children if c.dep_ in ("prep", "agent")), None)
    return trim(_phrase(prep)).text if prep is not None else ""


def hedged(tokens: list[Token], cues: Cues) -> bool:
    """may/might/could, likely, seem/appear to, expected to, and first-person "I think"."""
    for t in tokens:
        lemma, lower = t.lemma_.lower(), t.lower_
        # Modal hedges only as modals: "May" the month is not one.
        if (lower in cues.hedge_modals and t.tag_ == "MD") or lower in cues.hedge_words:
            return True
        if lemma in cues.hedge_verbs and any(c.dep_ == "xcomp" for c in t.children):
            return True
        if lemma in cues.hedge_participles and t.tag_ == "VBN" and any(c.dep_ == "xcomp" for c in t.children):
            return True
        if lemma in cues.opinion_verbs and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in t.children):
            return True
    return False


def negated(root: Token) -> bool:
    """A negation on the asserting verb ("can't", "did not", "never")."""
    return any(c.dep_ == "neg" or c.lower_ == "never" for c in root.children)


# -- rows --------------------------------------------------------------------------------

def claim_rows(doc: Doc) -> list[dict]:
    """Rows for the claims table, in the declared columns."""
    doc_id = meta(doc).get("doc_id", "")
    return [{"doc_id": doc_id, **row} for row in doc._.ct_claims or []]
