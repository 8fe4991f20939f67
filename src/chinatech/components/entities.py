"""Companies, products and people: gazetteer matching plus context rules for unknown names.

Known names come from the gazetteers (data/companies.yaml, data/products.yaml) through two
PhraseMatchers: exact case for every form, lower case for forms that are not everyday words
(plus known names run together: "LiAuto"). A known name followed by more of a name grows:
"Zeekr Nova" is a Zeekr product, "Oppo Ventures" a business of its own.

Unknown names are runs of capitalised tokens. One is kept only when its context says what it
is (data/entities.yaml holds the cue words); a cue the text states ("startup Foo") outweighs
one it implies ("launched Foo"):

- company: a corporate suffix ("Foo Technologies"), a business noun before it or as its
  appositive ("food-delivery company Foo", "Foo, a Beijing-based startup"), "Shenzhen-based
  Foo", "Foo, which makes ...", a business attribute it owns ("Foo's chief executive"), a
  title it employs ("partner at Foo"), an item of "startups such as ...", the subject or
  object of a business verb ("Foo raised ...", "acquired Foo"), a neighbour of known
  companies in a list;
- product: a company's possessive ("NetEase's Foo"), a product noun before, after or as its
  appositive ("the music app Foo", "the Foo app", "Foo, an app by Bar"), the object of a
  launch verb ("Bar launched Foo"), an item of "apps such as ...";
- source (a cited publisher or report): a report title ("Global Payments Survey 2021"),
  "according to Foo", "research firm Foo".

Technology acronyms, places, nationalities, titles and public bodies are never businesses
(a public body may be a source). Every mention of a kept name counts, however it was found,
and so do its short forms ("Foo" after "Foo Technologies", "Qiming" after "Qiming Venture
Partners"). A name that is both a product and a company in the gazetteer (Bilibili, Zhihu
...) is decided per mention: a product noun next to it, a company's possessive before it or
"posted on ..." makes a product, anything else the company. A company the article calls only
by a former name keeps that name ("NextEV" in an article from before NIO's rename).

The component writes span groups `ct_companies`, `ct_products`, `ct_people` whose spans carry
the canonical name in `kb_id_` (and the kind in `label_`), plus doc._.ct_makers
{product: maker}, doc._.ct_people_info {person: {role, organization}} and
doc._.ct_company_info {company: {country, sector}}; the row functions aggregate them.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Iterable, Mapping

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .. import knowledge
from . import people as people_
from .common import meta

COMPANIES, PRODUCTS, PEOPLE = "ct_companies", "ct_products", "ct_people"
ORG_KINDS = {"company", "investor", "publisher", "source"}
SOURCE_KINDS = {"publisher", "source"}
POSSESSIVES = {"'s", "’s", "'", "’"}
HYPHENS = {"-", "‐", "‑", "–"}
# Tags of words that are never part of a name however they are cased ("The", "In", "It").
FUNCTION_TAGS = {"DT", "PRP", "PRP$", "IN", "CC", "WDT", "WP", "WP$", "WRB", "MD", "TO", "EX", "PDT", "UH", "POS", "RP"}
# NER labels that end a known name rather than extend it ("Acme Singles Day", "Acme Jane Roe").
NOT_NAME_LABELS = {"PERSON", "GPE", "LOC", "NORP", "EVENT"}
NUMERIC_LABELS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
# Title words that open a capitalised run without being part of a name ("Acting", "Vice").
LEADING_TITLES = {"former", "acting", "interim", "vice", "deputy", "senior", "managing", "then"}
# Verbs after a name that make it a person speaking ("Acme's Roe said").
SPEECH_VERBS = {"say", "tell", "add", "note", "write", "argue", "explain", "believe", "think", "warn", "predict"}
LIST_ENDS = {".", ";", ":", ")", "etc", "etc.", "!", "?", "—"}
SEPARATORS = {",", "and", "or", "&"}
DETERMINERS = {"a", "an", "the", "one"}
ANAPHORS = {"its", "their"}
# A strong cue keeps a name on its own; weak cues (business verbs, lists of known names) too,
# but lose to a strong cue for another kind. The text saying what a name is ("startup Foo",
# "Foo, a video app") outweighs what it only implies ("co-launched Foo").
EXPLICIT, STRONG, WEAK = 3, 2, 1
# Month and weekday names are capitalised but never part of a company or product name.
CALENDAR_WORDS = {w.lower() for w in [*calendar.month_name, *calendar.month_abbr, *calendar.day_name] if w}
# Kinds in the order that wins a tie: a report title beats "the report said" as a company.
PRIORITY = {"source": 3, "product": 2, "company": 1}
# How far back from "such as" the category noun may stand ("products that ..., such as").
LIST_REACH = 12
NP_REACH = 8

for _name in ("ct_makers", "ct_people_info", "ct_company_info"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


# -- rule knowledge -----------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    legal_suffixes: frozenset[str]
    corporate_suffixes: frozenset[str]
    company_nouns: frozenset[str]
    source_nouns: frozenset[str]
    person_or_firm_nouns: frozenset[str]
    byline_org_words: frozenset[str]
    source_modifiers: frozenset[str]
    product_nouns: frozenset[str]
    weak_product_nouns: frozenset[str]
    company_attributes: frozenset[str]
    corporate_attributes: frozenset[str]
    generic_words: frozenset[str]
    business_verbs: frozenset[str]
    company_object_verbs: frozenset[str]
    launch_verbs: frozenset[str]
    hyphen_company_words: frozenset[str]
    maker_verbs: frozenset[str]
    platform_verbs: frozenset[str]
    list_openers: tuple[tuple[str, ...], ...]
    report_heads: frozenset[str]
    source_cues: tuple[tuple[str, ...], ...]
    not_names: frozenset[str]
    not_name_words: frozenset[str]
    public_body_words: frozenset[str]
    places: Mapping[str, str]
    nationalities: Mapping[str, str]
    role_heads: frozenset[str]
    role_words: frozenset[str]

    @property
    def suffixes(self) -> frozenset[str]:
        return self.legal_suffixes | self.corporate_suffixes


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The cue words of data/entities.yaml; trend-taxonomy terms count as non-names."""
    data = knowledge.read_data("entities.yaml")

    words = partial(knowledge.word_set, data)

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        found = {tuple(str(p).lower().split()) for p in data.get(key) or []}
        return tuple(sorted(found, key=len, reverse=True))

    def codes(key: str) -> dict[str, str]:
        return {str(k).lower(): str(v or "") for k, v in (data.get(key) or {}).items()}

    trend_terms = frozenset(form.lower() for entry in knowledge.trends() for form in entry.forms)
    return Rules(
        legal_suffixes=words("legal_suffixes"), corporate_suffixes=words("corporate_suffixes"),
        company_nouns=words("company_nouns"), source_nouns=words("source_nouns"),
        person_or_firm_nouns=words("person_or_firm_nouns"), byline_org_words=words("byline_org_words"),
        source_modifiers=words("source_modifiers"), product_nouns=words("product_nouns"),
        weak_product_nouns=words("weak_product_nouns"), company_attributes=words("company_attributes"),
        corporate_attributes=words("corporate_attributes"),
        generic_words=words("generic_words"), business_verbs=words("business_verbs"),
        company_object_verbs=words("company_object_verbs"),
        launch_verbs=words("launch_verbs"), hyphen_company_words=words("hyphen_company_words"),
        maker_verbs=words("maker_verbs"), platform_verbs=words("platform_verbs"),
        list_openers=phrases("list_openers"), report_heads=words("report_heads"),
        source_cues=phrases("source_cues"), not_names=words("not_names") | trend_terms,
        not_name_words=words("not_name_words"), public_body_words=words("public_body_words"),
        places=codes("places"), nationalities=codes("nationalities"), role_heads=words("role_heads"),
        role_words=words("role_heads") | words("role_modifiers"),
    )


# -- the gazetteer ------------------------------------------------------------------------

def entry_key(entry: knowledge.Entry) -> str:
    return f"{'product' if entry.kind == 'product' else 'org'}|{entry.name}"


# CamelCase runs of words: "GrabFoodChina" is "Grab Food China" written without its spaces.
CAMEL_PARTS = re.compile(r"[A-Z][a-z]+")


def camel_split(text: str) -> str:
    """ "ZeekrAuto" -> "Zeekr Auto"; '' when the word is not two or more capitalised words."""
    parts = CAMEL_PARTS.findall(text)
    return " ".join(parts) if len(parts) > 1 and "".join(parts) == text else ""


class Gazetteer:
    """Every form of every known company and product, and the matchers that find them."""

    def __init__(self, nlp: Language, companies: Iterable[knowledge.Entry], products: Iterable[knowledge.Entry]):
        self.entries: dict[str, knowledge.Entry] = {}
        self.forms: dict[tuple[str, str], str] = {}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        texts, owners, folds = [], [], []
        for entry in [*companies, *products]:
            key = entry_key(entry)
            self.entries[key] = entry
            for form in entry.forms:
                texts.append(form)
                owners.append(key)
                # Common-word names (Signal, Block) only count in their own casing.
                folds.append(not entry.ambiguous and len(form) > 3)
                self.forms.setdefault((key.split("|")[0], form.lower()), key)
                if key.startswith("product|") and form[-1:].isdigit() and any(c.isalpha() for c in form):
                    texts.append(form + "s")  # model codes in the plural: "10,000 H100s"
                    owners.append(key)
                    folds.append(False)
        exact, folded = defaultdict(list), defaultdict(list)
        for pattern, key, fold in zip(nlp.tokenizer.pipe(texts), owners, folds):
            exact[key].append(pattern)
            if fold:
                folded[key].append(pattern)
        for key, patterns in exact.items():
            self.exact.add(key, patterns)
        for key, patterns in folded.items():
            self.folded.add(key, patterns)

    def lookup(self, group: str, text: str) -> knowledge.Entry | None:
        """The entry (group 'org' or 'product') that has `text` as a form, in any casing."""
        key = self.forms.get((group, text.lower()))
        return self.entries[key] if key else None

    def org(self, name: str) -> knowledge.Entry | None:
        return self.entries.get(f"org|{name}")

    def product(self, name: str) -> knowledge.Entry | None:
        return self.entries.get(f"product|{name}")

    def matches(self, doc: Doc) -> list[tuple[int, int, list[knowledge.Entry]]]:
        """Longest non-overlapping matches, each with every entry that has the matched form."""
        found: dict[tuple[int, int], list[str]] = defaultdict(list)
        for key_id, start, end in [*self.exact(doc), *self.folded(doc)]:
            key = doc.vocab.strings[key_id]
            if key not in found[(start, end)]:
                found[(start, end)].append(key)
        chosen, taken = [], set()
        for (start, end), keys in sorted(found.items(), key=lambda item: (item[0][0] - item[0][1], item[0][0])):
            if taken.isdisjoint(range(start, end)):
                chosen.append((start, end, [self.entries[k] for k in keys]))
                taken.update(range(start, end))
        chosen += self.camel_matches(doc, taken)
        return sorted(chosen, key=lambda match: match[0])

    def camel_matches(self, doc: Doc, taken: set[int]) -> list[tuple[int, int, list[knowledge.Entry]]]:
        """Known multi-word names written as one word ("LiAuto", "GeelyAuto")."""
        found = []
        for token in doc:
            spaced = camel_split(token.text) if token.i not in taken else ""
            keys = [self.forms.get((group, spaced.lower())) for group in ("org", "product")] if spaced else []
            entries = [self.entries[k] for k in keys if k]
            if entries:
                found.append((token.i, token.i + 1, entries))
        return found


# -- mentions -----------------------------------------------------------------------------

@dataclass
class Mention:
    """A company, product or source mention. A gazetteer name that is both a company and a
    product starts as kind 'dual' with both names and is resolved by its context."""

    start: int
    end: int
    kind: str
    name: str
    maker: str = ""
    country: str = ""
    company: str = ""
    product: str = ""

    @property
    def is_org(self) -> bool:
        return self.kind in ORG_KINDS or self.kind == "dual"


@dataclass(frozen=True)
class Evidence:
    kind: str
    weight: int
    maker: str = ""
    country: str = ""


class Context:
    """A doc with its mentions indexed by token, and the cues computed once per doc."""

    def __init__(self, doc: Doc, mentions: list[Mention], rules: Rules):
        self.doc = doc
        self.rules = rules
        self.at: dict[int, Mention] = {}
        for mention in mentions:
            self.add(mention)
        self._lists: dict[int, Evidence] | None = None

    @property
    def lists(self) -> dict[int, Evidence]:
        if self._lists is None:
            self._lists = example_lists(self)
        return self._lists

    def add(self, mention: Mention) -> None:
        for i in range(mention.start, mention.end):
            self.at[i] = mention

    def org_at(self, i: int) -> Mention | None:
        mention = self.at.get(i)
        return mention if mention is not None and mention.is_org else None

    def org_before_possessive(self, i: int) -> Mention | None:
        """The organisation whose "'s" is token i ("NetEase's")."""
        if i < 1 or self.doc[i].text not in POSSESSIVES:
            return None
        owner = prev_i(self.doc, i)
        mention = self.org_at(owner)
        return mention if mention is not None and mention.end == owner + 1 else None

    def salient(self, i: int) -> str:
        """The organisation named most often before token i (the first named of equals: news
        names its subject first)."""
        counts: dict[str, int] = defaultdict(int)
        first: dict[str, int] = {}
        for j, mention in sorted(self.at.items()):
            if j >= i or mention.start != j or not mention.is_org or mention.kind in SOURCE_KINDS:
                continue
            counts[org_name(mention)] += 1
            first.setdefault(org_name(mention), j)
        return max(counts, key=lambda name: (counts[name], -first[name]), default="")

    def antecedent(self, i: int) -> str:
        """What "its" at token i points back to: the nearest organisation in this or the last sentence."""
        sent = self.doc[i].sent
        floor = self.doc[sent.start - 1].sent.start if sent.start > 0 else 0
        for j in range(i - 1, floor - 1, -1):
            mention = self.org_at(j)
            if mention is not None and mention.kind not in SOURCE_KINDS:
                return org_name(mention)
        return ""


def org_name(mention: Mention) -> str:
    return mention.company if mention.kind == "dual" else mention.name


# -- token neighbours ----------------------------------------------------------------------
# Web text puts no-break spaces between words, which spaCy makes tokens of their own: the
# rules look past them to the neighbouring word.

def prev_i(doc: Doc, i: int) -> int:
    """Index of the last word before token i (-1 if none)."""
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return i


def next_i(doc: Doc, i: int) -> int:
    """Index of the first word at or after token i (len(doc) if none)."""
    while i < len(doc) and doc[i].is_space:
        i += 1
    return i


# -- names: tokens and chunks -------------------------------------------------------------

def at_sentence_start(token: Token) -> bool:
    """The first word of its sentence, after any bullets, quotes or brackets."""
    doc, i = token.doc, token.i
    while not doc[i].is_sent_start:
        before = doc[i - 1]
        if not (before.is_punct or before.is_space or not before.text.isalnum()):
            return False
        i -= 1
    return True


def is_namey(token: Token) -> bool:
    """A capitalised word (NetEase, iQiyi, 5G) that could be part of a name."""
    text = token.text
    if not text[:1].isalnum() or token.tag_ in FUNCTION_TAGS or token.like_url or "@" in text:
        return False
    if not (text[0].isupper() or any(c.isupper() for c in text[1:])) or token.lower_ in CALENDAR_WORDS:
        return False
    # A sentence's first word is capitalised anyway: only a proper-noun tag makes it a name.
    return not at_sentence_start(token) or token.tag_ in ("NNP", "NNPS")


def is_digit_part(token: Token) -> bool:
    return token.text[:1].isdigit() and token.text.replace(".", "").isalnum()


def name_chunks(doc: Doc, blocked: set[int]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words, joined by "of", "&" and unspaced hyphens, with model
    numbers ("Find X7", "Asia Mobile Report 2021")."""
    chunks, i = [], 0
    while i < len(doc):
        glued = i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].text[-1:].isalnum()
        if i in blocked or not is_namey(doc[i]) or glued:
            i += 1
            continue
        end = chunk_end(doc, i, blocked)
        chunks.append((i, end))
        i = end
    return chunks


def chunk_end(doc: Doc, start: int, blocked: set[int]) -> int:
    end = start + 1
    while end < len(doc) and end not in blocked and not doc[end].is_sent_start:
        token = doc[end]
        if is_namey(token) or is_digit_part(token):
            end += 1
        elif joins(doc, end, blocked):
            end += 2
        else:
            break
    return end


def joins(doc: Doc, i: int, blocked: set[int]) -> bool:
    """Token i joins two parts of one name: "Bank of Foo", "Ping-An", "Foo-Tech"."""
    if i + 1 >= len(doc) or i + 1 in blocked:
        return False
    token, after = doc[i], doc[i + 1]
    if token.text in HYPHENS:
        # "Shenzhen-based", "Geely-backed": a participle after the hyphen ends the name.
        modifier = after.is_lower and after.tag_ in ("VBN", "VBD", "VBG", "JJ", "RB")
        return not doc[i - 1].whitespace_ and not token.whitespace_ and after.is_alpha and not modifier
    return token.lower_ in ("of", "&") and is_namey(after)


def trim_chunk(doc: Doc, start: int, end: int, rules: Rules) -> tuple[int, int]:
    """Drop leading titles, nationalities and heading words ("Acting", "Chinese", "Overall")."""
    def leading(token: Token) -> bool:
        lower = token.lower_
        title = lower in rules.role_heads or lower in LEADING_TITLES
        # "Rival Foo" opening a sentence; "Marketplace Foo" elsewhere is a name.
        noun = lower in rules.company_nouns and at_sentence_start(token)
        common = lower in rules.not_name_words or noun or lower in rules.nationalities
        return title or common or not is_namey(token)

    while start < end and leading(doc[start]):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("of", "&") or doc[end - 1].text in HYPHENS):
        end -= 1
    return start, end


def chunk_text(doc: Doc, start: int, end: int) -> str:
    return doc[start:end].text


def is_non_name(doc: Doc, start: int, end: int, rules: Rules) -> bool:
    """Technology terms, places, nationalities and titles are not names."""
    text = chunk_text(doc, start, end).lower()
    if len(text) < 2 or text in rules.not_names or text in rules.places or text in rules.nationalities \
            or text in rules.not_name_words:
        return True
    return all(t.lower_ in rules.role_words or t.lower_ in rules.not_name_words for t in doc[start:end])


def is_public_body(doc: Doc, start: int, end: int, rules: Rules) -> bool:
    """A ministry, university, association or event: a possible source, never a business."""
    words = [t.lower_ for t in doc[start:end]]
    return any(w in rules.public_body_words for w in words) or " ".join(words) in rules.public_body_words


def alone_on_line(doc: Doc, start: int, end: int) -> bool:
    """A "name" that is a whole line by itself is a heading ("Key Stakeholders"); a byline's
    author comes from the article's metadata instead."""
    text = doc.text
    before = text.rfind("\n", 0, doc[start].idx) + 1
    after = text.find("\n", doc[end - 1].idx + len(doc[end - 1]))
    after = len(text) if after < 0 else after
    return not text[before:doc[start].idx].strip() and not text[doc[end - 1].idx + len(doc[end - 1]):after].strip(" \t.:")


def heading_tokens(doc: Doc, known: set[int]) -> set[int]:
    """Tokens of sentences written in title case (headings): their capitals say nothing."""
    tokens: set[int] = set()
    for sent in doc.sents:
        words = [t for t in sent if t.is_alpha and len(t) > 3 and t.i not in known]
        if len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words):
            tokens.update(range(sent.start, sent.end))
    return tokens


# -- noun phrases around a name -----------------------------------------------------------

def is_modifier(doc: Doc, i: int) -> bool:
    """A word inside a noun phrase before its head: adjectives, nouns, numbers, hyphen pieces."""
    token = doc[i]
    if token.text in HYPHENS or token.is_space:
        return True
    if i + 1 < len(doc) and doc[i + 1].text in HYPHENS and not token.whitespace_:
        return True
    if i > 0 and doc[i - 1].text in HYPHENS and not doc[i - 1].whitespace_:
        return True
    if token.pos_ == "ADV" and i + 1 < len(doc) and doc[i + 1].pos_ in ("ADJ", "VERB"):
        return True  # "newly launched", "most popular"
    return token.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or token.tag_ in ("VBG", "VBN", "RBS", "JJS")


def np_start_before(doc: Doc, head: int, floor: int) -> int:
    """Start of the modifiers before the noun at `head` ("Vietnamese food-delivery | company")."""
    start = head
    while start - 1 >= max(floor, head - NP_REACH) and is_modifier(doc, start - 1) \
            and doc[start - 1].text not in POSSESSIVES:
        start -= 1
    return next_i(doc, start)


def np_head_after(doc: Doc, start: int, ceiling: int, nouns: frozenset[str] = frozenset()) -> tuple[int | None, int]:
    """The head noun of the noun phrase starting at `start`, and the index after the phrase.
    Words in `nouns` are nouns whatever their tag (the tagger calls "startup" a verb)."""
    head, i = None, start
    while i < min(ceiling, start + NP_REACH) and (is_modifier(doc, i) or doc[i].lower_ in nouns):
        token = doc[i]
        if token.lower_ in nouns or token.pos_ in ("NOUN", "PROPN"):
            head = i
        elif token.tag_ in ("VBN", "VBG") and (i + 1 >= ceiling or not is_modifier(doc, i + 1)):
            break  # "an app developed by ...": the participle starts a new phrase
        i += 1
    return head, i


def country_in(doc: Doc, start: int, end: int, rules: Rules) -> str:
    """A country named in a phrase: "Vietnamese", "Shenzhen-based", "Korea's"."""
    for i in range(start, end):
        lower = doc[i].lower_
        if lower in rules.nationalities:
            return rules.nationalities[lower]
        if lower in rules.places and i + 1 < end and (doc[i + 1].text in HYPHENS or doc[i + 1].text in POSSESSIVES):
            return rules.places[lower]
    return ""


def maker_before(ctx: Context, np_start: int) -> str:
    """The owner standing before a noun phrase: "NetEase's | music app", "its | app"."""
    before = prev_i(ctx.doc, np_start)
    if before < 1:
        return ""
    owner = ctx.org_before_possessive(before)
    if owner is not None:
        return org_name(owner)
    if ctx.doc[before].lower_ in ANAPHORS:
        return ctx.antecedent(before)
    return ""


def maker_after(ctx: Context, i: int, ceiling: int) -> str:
    """The maker named after an appositive: "... developed by Foo", "... by Foo", "... of Foo"."""
    doc = ctx.doc
    i = next_i(doc, i)
    if i < ceiling and doc[i].lemma_.lower() in ctx.rules.maker_verbs and doc[i].tag_ == "VBN":
        i = next_i(doc, i + 1)
    if i + 1 >= ceiling or doc[i].lower_ not in ("by", "from", "of"):
        return ""
    j = next_i(doc, i + 1)
    if j < ceiling and doc[j].lower_ in ANAPHORS:
        return ctx.antecedent(j)
    # "by Chinese company Foo": descriptive words may stand between the preposition and the maker.
    for k in range(j, min(ceiling, j + NP_REACH)):
        owner = ctx.org_at(k)
        if owner is not None:
            return org_name(owner) if owner.start == k else ""
        if not (is_modifier(doc, k) or doc[k].lower_ == "the") or doc[k].pos_ == "PROPN":
            return ""
    return ""


def subject_of(ctx: Context, verb: Token) -> str:
    """The organisation that is the subject of `verb` (through conjoined verbs), else the
    nearest organisation before it in the sentence."""
    token = verb
    for _ in range(4):
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lower_ in ("company", "firm", "group", "giant", "startup"):
            return ctx.salient(subject.i)  # "the company will launch Foo": the article's main business
        if subject is not None:
            # "Geely's Zeekr unit has released ...": the organisation nearest the subject's head.
            for j in range(subject.i, subject.left_edge.i - 1, -1):
                owner = ctx.org_at(j)
                if owner is not None and owner.kind not in SOURCE_KINDS:
                    return org_name(owner)
            break
        if token.dep_ not in ("conj", "xcomp", "advcl") or token.head is token:
            break
        token = token.head
    for j in range(verb.i - 1, verb.sent.start - 1, -1):
        owner = ctx.org_at(j)
        if owner is not None and owner.kind not in SOURCE_KINDS:
            return org_name(owner)
    return ""


# -- lists of examples: "platforms such as A, B and C" ------------------------------------

def example_lists(ctx: Context) -> dict[int, Evidence]:
    """For each list item's last token, the evidence its list gives ("startups such as ...")."""
    doc, found = ctx.doc, {}
    for sent in doc.sents:
        words = [t.lower_ for t in sent]
        for i in range(len(words)):
            opener = next((o for o in ctx.rules.list_openers if tuple(words[i:i + len(o)]) == o), None)
            if opener is None:
                continue
            at = sent.start + i
            head = category_noun(ctx, at, sent.start, near=opener == ("like",))
            if head is None:
                continue
            evidence = list_evidence(ctx, head)
            for _, end in list_items(doc, at + len(opener), sent.end):
                found.setdefault(end - 1, evidence)
    return found


def category_noun(ctx: Context, opener: int, floor: int, *, near: bool) -> int | None:
    """The plural category noun a list of examples hangs from ("live streaming platforms")."""
    reach = 3 if near else LIST_REACH
    for k in range(opener - 1, max(floor, opener - reach) - 1, -1):
        token = ctx.doc[k]
        if token.text in LIST_ENDS:
            return None
        lemma = token.lemma_.lower()
        # A singular noun counts right before the opener only: "a local firm like Foo".
        number_ok = token.tag_ in ("NNS", "NNPS") or (token.tag_ == "NN" and opener - k <= 2)
        if number_ok and (lemma in ctx.rules.product_nouns or lemma in ctx.rules.company_nouns):
            return k
    return None


def list_evidence(ctx: Context, head: int) -> Evidence:
    lemma = ctx.doc[head].lemma_.lower()
    if lemma in ctx.rules.product_nouns:
        maker = maker_before(ctx, np_start_before(ctx.doc, head, ctx.doc[head].sent.start))
        maker = maker or subject_of(ctx, ctx.doc[head])
        # "platforms such as ..." are products of a named owner, else businesses of their own.
        if maker or lemma not in ctx.rules.weak_product_nouns or lemma not in ctx.rules.company_nouns:
            return Evidence("product", STRONG, maker=maker)
    return Evidence("company", STRONG)


def list_items(doc: Doc, start: int, stop: int) -> list[tuple[int, int]]:
    """The items of a list of examples, up to its end or a verb."""
    items, item_start, i = [], start, start
    while i < stop:
        token = doc[i]
        if token.lower_ in LIST_ENDS or (token.pos_ in ("VERB", "AUX") and token.is_lower):
            break
        if token.lower_ in SEPARATORS:
            if i > item_start:
                items.append((item_start, i))
            item_start = i + 1
        i += 1
    if i > item_start:
        items.append((item_start, i))
    return items


# -- evidence for an unknown name ---------------------------------------------------------

def suffix_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Foo Technologies", "Bar Capital": a corporate suffix after a word that is not generic."""
    doc, rules = ctx.doc, ctx.rules
    if end - start < 2 or doc[end - 1].lower_ not in rules.suffixes:
        return None
    stem = [t.lower_ for t in doc[start:end] if t.lower_ not in rules.suffixes and t.is_alpha]
    if not stem or all(w in rules.generic_words or w in rules.places for w in stem):
        return None
    return Evidence("company", STRONG)


def noun_before_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Vietnamese food-delivery company Foo", "the music app Foo", "research firm Foo"."""
    doc, rules = ctx.doc, ctx.rules
    head = prev_i(doc, start)
    if head < 0 or not doc[head].is_lower:
        return None
    noun = doc[head].lower_
    np_start = np_start_before(doc, head, doc[start].sent.start)
    maker = maker_before(ctx, np_start)
    if noun in rules.product_nouns and (noun not in rules.weak_product_nouns or maker):
        return Evidence("product", EXPLICIT, maker=maker)
    if noun in rules.company_nouns and not _person_named(doc, start, noun, rules):
        return Evidence(org_kind(doc, np_start, head, rules), EXPLICIT, country=country_in(doc, np_start, start, rules))
    return None


def _person_named(doc: Doc, start: int, noun: str, rules: Rules) -> bool:
    """"Yang Zhilin, the AI researcher": a noun that fits people as well as firms says
    nothing against the NER's reading of a person's name."""
    return noun in rules.person_or_firm_nouns and doc[start].ent_type_ == "PERSON"


def org_kind(doc: Doc, np_start: int, head: int, rules: Rules) -> str:
    """ 'source' for research firms, outlets and the like; 'company' otherwise."""
    if doc[head].lower_ in rules.source_nouns:
        return "source"
    if any(doc[k].lower_ in rules.source_modifiers for k in range(np_start, head)):
        return "source"
    return "company"


def appositive_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Foo, a Beijing-based startup, ...", "Foo, the photo-editing app made by Bar"."""
    doc, rules = ctx.doc, ctx.rules
    ceiling = doc[start].sent.end
    comma = next_i(doc, end)
    if comma + 1 >= ceiling or doc[comma].text != ",":
        return None
    i, maker, country = next_i(doc, comma + 1), "", ""
    owner = ctx.org_at(i)
    if i >= ceiling:
        return None
    if doc[i].lower_ in DETERMINERS:
        i += 1
    elif doc[i].lower_ in ANAPHORS:
        maker, i = ctx.antecedent(start), i + 1
    elif owner is not None and owner.end < ceiling and ctx.org_before_possessive(next_i(doc, owner.end)) is not None:
        maker, i = org_name(owner), next_i(doc, owner.end) + 1
    elif i + 1 < ceiling and doc[i + 1].text in POSSESSIVES and doc[i].lower_ in rules.places:
        country, i = rules.places[doc[i].lower_], i + 2
    nouns = rules.company_nouns | rules.product_nouns
    head, after = np_head_after(doc, next_i(doc, i), ceiling, nouns)
    if head is not None and after < ceiling and doc[after].text in POSSESSIVES:
        head, after = np_head_after(doc, next_i(doc, after + 1), ceiling, nouns)  # "the company's chief executive"
    if head is None:
        return which_makes(ctx, next_i(doc, comma + 1), ceiling)
    nxt = next_i(doc, after)
    if nxt < ceiling and doc[nxt].pos_ in ("AUX", "VERB") and doc[nxt].tag_ not in ("VBN", "VBG"):
        return None  # "Foo, the company said": a new clause's subject, not an appositive
    noun = doc[head].lower_
    maker = maker or maker_after(ctx, after, ceiling)
    if noun in rules.product_nouns and (noun not in rules.weak_product_nouns or maker):
        return Evidence("product", EXPLICIT, maker=maker)
    if noun in rules.company_nouns and not _person_named(doc, start, noun, rules):
        return Evidence(org_kind(doc, i, head, rules), EXPLICIT, country=country or country_in(doc, i, head, rules))
    return None


def which_makes(ctx: Context, i: int, ceiling: int) -> Evidence | None:
    """ "Foo, which makes delivery drones, ..."."""
    doc = ctx.doc
    if i + 1 < ceiling and doc[i].lower_ in ("which", "that"):
        j = next_i(doc, i + 1)
        while j + 1 < ceiling and (doc[j].pos_ in ("ADV", "AUX", "SPACE") or doc[j].tag_ == "MD"):
            j += 1  # "which is backed by", "which has long made"
        verb = doc[min(j, ceiling - 1)]
        if verb.lemma_.lower() in ctx.rules.business_verbs or verb.lemma_.lower() in ("make", "build", "design"):
            return Evidence("company", STRONG)
    return None


def possessive_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Foo's chief executive", "Foo's revenue", "Foo's app", "Foo's Douyin"."""
    doc, rules = ctx.doc, ctx.rules
    mark = next_i(doc, end)
    if mark + 1 >= len(doc) or doc[mark].text not in POSSESSIVES:
        return None
    owned = ctx.at.get(next_i(doc, mark + 1))
    if owned is not None and owned.kind == "product":
        return Evidence("company", STRONG)
    head, _ = np_head_after(doc, next_i(doc, mark + 1), doc[start].sent.end)
    if head is not None and doc[head].is_lower:
        noun = doc[head].lower_
        if noun in rules.company_attributes or doc[head].lemma_.lower() in rules.product_nouns:
            return Evidence("company", STRONG)
    return None


def hyphen_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Shenzhen-based Foo" and the backer in "Foo-backed Bar" are businesses."""
    doc, rules = ctx.doc, ctx.rules
    if start >= 2 and doc[start - 1].lower_ in rules.hyphen_company_words and doc[start - 2].text in HYPHENS:
        return Evidence("company", STRONG, country=country_in(doc, start - 3, start - 1, rules) if start >= 3 else "")
    if end + 1 < len(doc) and doc[end].text in HYPHENS and doc[end + 1].lower_ in ("backed", "funded", "owned"):
        return Evidence("company", STRONG)
    return None


def employer_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "chief executive of Foo", "managing partner at Foo", "a reporter at Foo" (a source)."""
    doc, rules = ctx.doc, ctx.rules
    i = prev_i(doc, start)
    i = prev_i(doc, i) if i >= 0 and doc[i].lower_ == "the" else i
    title = prev_i(doc, i)
    if title < 0 or doc[i].lower_ not in ("of", "at", "with") or doc[title].lower_ not in rules.role_heads:
        return None
    media = doc[title].lower_ in ("editor", "reporter", "journalist", "correspondent", "columnist", "writer", "analyst")
    return Evidence("source" if media else "company", STRONG)


def source_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """A report title ("Foo Industry Report 2019") or a name after "according to"."""
    doc, rules = ctx.doc, ctx.rules
    last = end - 1
    while last > start and is_digit_part(doc[last]):
        last -= 1
    if last > start and doc[last].lower_ in rules.report_heads:
        return Evidence("source", EXPLICIT)
    before = tuple(t.lower_ for t in doc[max(0, start - 6):start] if not t.is_space)
    before = before[:-1] if before[-1:] == ("the",) else before
    if any(before[-len(cue):] == cue for cue in rules.source_cues):
        return Evidence("source", STRONG)
    return None


def product_noun_after_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "the Foo app", "its newly launched Foo platform" (a singular product noun)."""
    doc = ctx.doc
    noun = next_i(doc, end)
    if noun >= len(doc) or not doc[noun].is_lower or doc[noun].lower_ not in ctx.rules.product_nouns:
        return None
    return Evidence("product", STRONG, maker=maker_before(ctx, np_start_before(doc, start, doc[start].sent.start)))


def launch_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Bar launched Foo", "Bar also launched in March Foo", "Bar is testing Foo"."""
    doc = ctx.doc
    k, floor = start - 1, doc[start].sent.start
    while k >= floor and start - k <= 5 and (doc[k].pos_ in ("DET", "ADV", "ADP", "NUM", "SPACE")
                                            or doc[k].lower_ in ANAPHORS or doc[k].ent_type_ in ("DATE", "TIME")):
        k -= 1
    if k < floor or doc[k].pos_ != "VERB" or doc[k].lemma_.lower() not in ctx.rules.launch_verbs:
        return None
    return Evidence("product", STRONG, maker=subject_of(ctx, doc[k]))


def subject_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "Foo raised $5m", "Foo has acquired Bar", "Foo was founded in 2015"."""
    doc = ctx.doc
    i = end
    while i < min(len(doc), end + 4) and (doc[i].pos_ in ("AUX", "ADV", "PART", "SPACE") or doc[i].tag_ == "MD"):
        i += 1
    if i < len(doc) and doc[i].pos_ == "VERB" and doc[i].lemma_.lower() in ctx.rules.business_verbs \
            and doc[i].tag_ != "VBG":
        return Evidence("company", WEAK)
    return None


def object_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "NetEase acquired Foo", "invested in Foo", "merged with Foo"."""
    doc = ctx.doc
    k, floor = start - 1, doc[start].sent.start
    while k >= floor and start - k <= 4 and (doc[k].pos_ in ("DET", "ADV", "ADP", "SPACE") or doc[k].lower_ in ("up",)):
        k -= 1
    if k >= floor and doc[k].pos_ == "VERB" and doc[k].lemma_.lower() in ctx.rules.company_object_verbs:
        return Evidence("company", WEAK)
    return None


def coordination_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """A name listed next to known companies ("NIO, XPeng and Foo") or known products."""
    doc = ctx.doc
    i = start - 1
    while i >= 0 and (doc[i].lower_ in SEPARATORS or doc[i].is_space):
        i -= 1
    left = ctx.at[i] if start - 1 > i >= 0 and i in ctx.at and ctx.at[i].end == i + 1 else None
    j = end
    while j < len(doc) and (doc[j].lower_ in SEPARATORS or doc[j].is_space):
        j += 1
    right = ctx.at[j] if j > end and j in ctx.at and ctx.at[j].start == j else None
    # A comma alone may end a phrase ("At the fair in Foo, Acme showed ..."): a list needs a
    # conjunction next to the name or a listed name on its other side.
    neighbours = [m for m, seps in ((left, doc[i + 1:start]), (right, doc[end:j])) if m is not None
                  and (any(t.lower_ in ("and", "or", "&") for t in seps) or (left is not None and right is not None)
                       or (m is right and continues_list(ctx, m)))]
    kinds = {"product" if m.kind == "product" else "company" for m in neighbours if m.kind not in SOURCE_KINDS}
    return Evidence(kinds.pop(), WEAK) if len(kinds) == 1 else None


def continues_list(ctx: Context, mention: Mention) -> bool:
    """A separator and another known name follow the mention ("Foo, NIO and XPeng")."""
    doc, j = ctx.doc, mention.end
    while j < len(doc) and (doc[j].lower_ in SEPARATORS or doc[j].is_space):
        j += 1
    return j > mention.end and j in ctx.at and ctx.at[j].start == j


def list_item_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    return ctx.lists.get(end - 1)


RULES = (
    source_evidence, suffix_evidence, noun_before_evidence, appositive_evidence, hyphen_evidence,
    employer_evidence, possessive_evidence, product_noun_after_evidence, launch_evidence,
    list_item_evidence, subject_evidence, object_evidence, coordination_evidence,
)


def product_owner_evidence(ctx: Context, start: int, end: int) -> Evidence | None:
    """ "NetEase's Foo": a name owned by a company is its product (but "NetEase's Ding said"
    is one of its people)."""
    doc = ctx.doc
    owner = ctx.org_before_possessive(prev_i(doc, start))
    if owner is None or owner.kind in SOURCE_KINDS:
        return None
    after = next_i(doc, end)
    if after < len(doc) and doc[after].lemma_.lower() in SPEECH_VERBS:
        return None
    return Evidence("product", STRONG, maker=org_name(owner))


def evidence(ctx: Context, start: int, end: int, *, person_like: bool) -> list[Evidence]:
    """Every cue for one unknown name. A person-like name (NER PERSON, several words) counts
    only cues a person cannot have."""
    found = []
    for rule in (product_owner_evidence, *RULES):
        if person_like and rule in (subject_evidence, object_evidence, coordination_evidence, possessive_evidence,
                                    product_owner_evidence, launch_evidence):
            continue
        cue = rule(ctx, start, end)
        if cue is not None:
            found.append(cue)
    return found


def decide(cues: list[Evidence]) -> Evidence | None:
    """The kind with the most weight (ties by PRIORITY), with the first maker and country given."""
    totals: dict[str, int] = defaultdict(int)
    for cue in cues:
        totals[cue.kind] += cue.weight
    if not totals:
        return None
    kind = max(totals, key=lambda k: (totals[k], PRIORITY[k]))
    maker = next((c.maker for c in cues if c.kind == kind and c.maker), "")
    country = next((c.country for c in cues if c.country), "")
    return Evidence(kind, totals[kind], maker=maker, country=country)


# -- known names in context ---------------------------------------------------------------

def known_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    """Gazetteer matches; a name that is both a product and a company starts as 'dual'."""
    mentions = []
    for start, end, entries in gazetteer.matches(doc):
        org = next((e for e in entries if e.kind != "product"), None)
        product = next((e for e in entries if e.kind == "product"), None)
        if org is not None and product is not None:
            mentions.append(Mention(start, end, "dual", org.name, company=org.name, product=product.name))
        else:
            entry = org or product
            mentions.append(Mention(start, end, entry.kind, entry.name))
    return [m for m in mentions if plausible(doc, m, gazetteer)]


def plausible(doc: Doc, mention: Mention, gazetteer: Gazetteer) -> bool:
    """A one-word everyday-word name opening a sentence ("Block", "Signal") must be tagged a proper noun."""
    entry = gazetteer.org(mention.company or mention.name) or gazetteer.product(mention.product or mention.name)
    token = doc[mention.start]
    if entry is None or not entry.ambiguous or mention.end - mention.start > 1:
        return True
    return not at_sentence_start(token) or token.tag_ in ("NNP", "NNPS")


def product_cue(ctx: Context, mention: Mention) -> tuple[bool, str]:
    """Whether a dual name is used as a product here, and its owner if the text names one:
    "the Zhihu app", "Korea's Kakao messaging app", "the video app Bilibili", "Foo's Zhihu"."""
    doc, rules = ctx.doc, ctx.rules
    before = prev_i(doc, mention.start)
    owner = ctx.org_before_possessive(before)
    if owner is not None and owner.kind not in SOURCE_KINDS:
        return True, org_name(owner)
    if before >= 0 and doc[before].is_lower and doc[before].lower_ in rules.product_nouns \
            and doc[before].lower_ not in rules.weak_product_nouns:
        return True, maker_before(ctx, np_start_before(doc, before, doc[mention.start].sent.start))
    if used_on(ctx, before):
        return True, ""
    j = next_i(doc, mention.end)
    if j < len(doc) and doc[j].is_lower and doc[j].lower_ in rules.product_nouns:
        return True, ""
    strong = rules.product_nouns - rules.weak_product_nouns
    while j < min(len(doc), mention.end + 3) and doc[j].is_lower and doc[j].pos_ in ("NOUN", "ADJ", "VERB"):
        if doc[j].lower_ in strong:
            return True, ""  # "the Zhihu question-and-answer app"
        j += 1
    return False, ""


def used_on(ctx: Context, before: int) -> bool:
    """ "posted on Foo", "sold via Foo": a platform people use, so a product."""
    doc = ctx.doc
    if before < 1 or doc[before].lower_ not in ("on", "via", "through"):
        return False
    floor = max(doc[before].sent.start, before - 4)
    return any(doc[k].lemma_.lower() in ctx.rules.platform_verbs for k in range(floor, before))


def resolve_duals(ctx: Context, mentions: list[Mention], gazetteer: Gazetteer) -> None:
    """Decide each dual mention (a product where the context says so, else the company), and
    take a known product's maker from the text where it names the owner ("JD.com's JD Pay")."""
    for mention in mentions:
        if mention.kind == "dual":
            is_product, owner = product_cue(ctx, mention)
            if is_product:
                mention.kind, mention.name, mention.maker = "product", mention.product, owner
            else:
                mention.kind, mention.name = gazetteer.org(mention.company).kind, mention.company
        elif mention.kind == "product":
            owner = ctx.org_before_possessive(prev_i(ctx.doc, mention.start))
            if owner is not None and owner.kind not in SOURCE_KINDS:
                mention.maker = org_name(owner)
            maker = gazetteer.org(gazetteer.product(mention.name).maker or "")
            if maker is not None and owns_corporate_attribute(ctx, mention):
                mention.kind, mention.name = maker.kind, maker.name


def owns_corporate_attribute(ctx: Context, mention: Mention) -> bool:
    """A product name used for its company: "Bilibili's stock price", "Foo's chief executive"."""
    doc = ctx.doc
    mark = next_i(doc, mention.end)
    if mark + 1 >= len(doc) or doc[mark].text not in POSSESSIVES:
        return False
    start = next_i(doc, mark + 1)
    _, end = np_head_after(doc, start, doc[mention.start].sent.end)
    return any(doc[i].lower_ in ctx.rules.corporate_attributes for i in range(start, end))


def grow(ctx: Context, mention: Mention, gazetteer: Gazetteer, heading: set[int]) -> Mention:
    """A known name followed by more of a name: a product ("Zeekr Nova", "Oppo Find X7"),
    the same company ("Geely Corp") or a distinct business ("Oppo Ventures")."""
    doc, rules = ctx.doc, ctx.rules
    end = mention.end
    while end < len(doc) and end not in ctx.at and end not in heading and extends(doc, end, rules):
        end += 1
    if end == mention.end or mention.kind == "source":
        return mention
    added = [t.lower_ for t in doc[mention.end:end]]
    if all(w in rules.legal_suffixes for w in added):
        return Mention(mention.start, end, mention.kind, mention.name, company=mention.company, product=mention.product)
    text = chunk_text(doc, mention.start, end)
    if added[0] in rules.suffixes:  # "Oppo Ventures", and a product's "Foo Fund"
        return Mention(mention.start, end, "company", text)
    if mention.kind == "product":
        maker = (gazetteer.product(mention.name).maker if gazetteer.product(mention.name) else "")
    else:
        maker = mention.company or mention.name
    entry = gazetteer.lookup("product", text)
    grown = Mention(mention.start, end, "product", entry.name if entry else text, maker=maker)
    # "the venture capital firm Foo Bar Baz": the text says the longer name is the company's.
    said = noun_before_evidence(ctx, grown.start, grown.end) or appositive_evidence(ctx, grown.start, grown.end)
    if entry is None and mention.kind != "product" and said is not None and said.kind != "product":
        return Mention(mention.start, end, mention.kind, mention.name, company=mention.company)
    return grown


def extends(doc: Doc, i: int, rules: Rules) -> bool:
    """Token i can continue a known name into a longer one."""
    token = doc[i]
    # A person or place the NER starts here ends the name; one that spans the known name
    # too ("Zeekr Nova" tagged PERSON as a whole) says nothing.
    starts_other = token.ent_type_ in NOT_NAME_LABELS and token.ent_iob_ == "B"
    if token.is_sent_start or token.ent_type_ in NUMERIC_LABELS or starts_other:
        return False
    if not (is_namey(token) or is_digit_part(token)) or token.tag_ not in ("NNP", "NNPS", "CD", "NN"):
        return False
    lower = token.lower_
    # "ZTE 5G" is ZTE's 5G, but "ZTE Cloud" is a product: only acronyms stop here.
    acronym = lower in rules.not_names and not token.is_title
    return not (acronym or lower in rules.role_words or lower in rules.places or lower in rules.nationalities
                or lower in rules.not_name_words)


# -- unknown names ------------------------------------------------------------------------

@dataclass
class Chunk:
    start: int
    end: int
    key: str
    person_like: bool
    body: bool = False


def business_name(ctx: Context, start: int, end: int) -> bool:
    """A name NER took for a person that its context shows is a business or product
    ("Foo Bar, a shopping app developed by ...")."""
    head = prev_i(ctx.doc, start)
    titled = head >= 0 and ctx.doc[head].lower_ in ctx.rules.role_heads
    rules_ = [appositive_evidence, suffix_evidence, product_noun_after_evidence]
    rules_ += [] if titled else [noun_before_evidence]  # "angel investor Jane Roe" is a person
    if any(rule(ctx, start, end) is not None for rule in rules_):
        return True
    # "apps such as Foo Bar"; a list of "investors such as ..." may well name people.
    listed = list_item_evidence(ctx, start, end)
    return listed is not None and listed.kind == "product"


def candidate_chunks(doc: Doc, blocked: set[int], person_parts: set[str], rules: Rules,
                     people_rules: people_.PeopleRules) -> list[Chunk]:
    """Capitalised runs that could be an unknown company, product or source."""
    ents = doc.ents  # spaCy builds the tuple anew on each access
    persons = {i for ent in ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
    orgs = [(ent.start, ent.end) for ent in ents if ent.label_ == "ORG"]
    chunks = []
    for start, end in name_chunks(doc, blocked):
        start, end = trim_chunk(doc, start, end, rules)
        if start >= end or is_non_name(doc, start, end, rules) or _in_known_phrase(doc, start, end, rules):
            continue
        if end - start == 1 and doc[start].text in person_parts:
            continue  # "Roe" after "Jane Roe" is the person
        person_like = persons.issuperset(range(start, end)) and people_.is_full_name(doc, start, end, people_rules)
        # "Ministry of Science" of "the Ministry of Science and Technology": the chunk
        # stops at "and", the NER entity it lies in does not.
        ent = _org_entity_around(orgs, start, end)
        body = is_public_body(doc, start, end, rules) or (ent is not None and is_public_body(doc, *ent, rules))
        chunks.append(Chunk(start, end, chunk_text(doc, start, end).lower(), person_like, body))
    return chunks


def _in_known_phrase(doc: Doc, start: int, end: int, rules: Rules) -> bool:
    """"Singles" and "Day" of "Singles' Day": a chunk cut at an apostrophe out of a phrase that
    is a trend or another known non-name."""
    for left, right in ((start, min(len(doc), end + 2)), (max(0, start - 2), end)):
        if (left, right) != (start, end) and doc[left:right].text.lower() in rules.not_names:
            return True
    return False


def _org_entity_around(orgs: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The NER organisation (start, end) that holds doc[start:end] and more, if there is one."""
    return next(((s, e) for s, e in orgs if s <= start and end <= e and (s, e) != (start, end)), None)


def known_short_mentions(doc: Doc, known: list[Mention], taken: set[int], rules: Rules) -> list[Mention]:
    """An organisation named in full earlier and then by its first words: "Qiming" after
    "Qiming Venture Partners" (the words left out are corporate suffixes)."""
    stems: dict[tuple[str, ...], Mention] = {}
    for mention in known:
        if mention.kind not in ORG_KINDS:
            continue
        for form in (bare(doc[mention.start:mention.end].text), mention.name):
            words = without_suffixes(tuple(form.split()), rules)
            stem = " ".join(words).lower()
            if words != tuple(form.split()) and stem not in rules.generic_words and stem not in rules.places:
                stems.setdefault(words, mention)
    return [Mention(start, end, m.kind, m.name) for start, end, m in occurrences(doc, stems, taken) if m.start < start]


def is_placey(doc: Doc, chunk: Chunk) -> bool:
    return all(doc[i].ent_type_ in ("GPE", "LOC", "FAC") for i in range(chunk.start, chunk.end))


def judge(ctx: Context, chunks: list[Chunk], heading: set[int]) -> dict[str, Evidence]:
    """The kind of each unknown name, from the cues of all its mentions."""
    cues: dict[str, list[Evidence]] = defaultdict(list)
    for chunk in chunks:
        if chunk.start in heading:
            continue
        if chunk.body:
            cue = source_evidence(ctx, chunk.start, chunk.end)
            cues[chunk.key] += [cue] if cue is not None else []
            continue
        found = evidence(ctx, chunk.start, chunk.end, person_like=chunk.person_like)
        # A name the NER calls a place needs a strong cue ("in Las Vegas, Acme showed ...").
        if all(cue.weight < STRONG for cue in found) and is_placey(ctx.doc, chunk):
            continue
        cues[chunk.key] += found
    decided = {key: decide(found) for key, found in cues.items()}
    decided = {key: verdict for key, verdict in decided.items() if verdict is not None}
    # "Voltspring" beside "Voltspring Technologies" is the company, even in "the Voltspring app".
    for key, verdict in list(decided.items()):
        stem = key_stem(key, ctx.rules)
        if verdict.kind != "product" and stem != key and stem in decided and decided[stem].kind == "product":
            decided[stem] = Evidence(verdict.kind, verdict.weight, country=verdict.country)
    return decided


def key_stem(key: str, rules: Rules) -> str:
    """A lower-cased name without its trailing corporate suffixes ("foo technologies" -> "foo")."""
    return " ".join(without_suffixes(tuple(key.split()), rules))


def without_suffixes(words: tuple[str, ...], rules: Rules) -> tuple[str, ...]:
    """The words of a name without its trailing corporate suffixes (one word at least)."""
    while len(words) > 1 and words[-1].lower() in rules.suffixes:
        words = words[:-1]
    return words


def unknown_mentions(ctx: Context, chunks: list[Chunk], heading: set[int], gazetteer: Gazetteer) -> list[Mention]:
    """Mentions of the unknown names the context supports, judged twice so that a name kept
    in the first pass can vouch for another ("Foo's Bar" once Foo is known to be a company)."""
    mentions: list[Mention] = []
    for _ in range(2):
        verdicts = judge(ctx, chunks, heading)
        mentions = [mention_of(ctx.doc, c, verdicts[c.key], gazetteer) for c in chunks if c.key in verdicts]
        for mention in mentions:
            ctx.add(mention)
    return merge_short_names(mentions, ctx.rules)


def merge_short_names(mentions: list[Mention], rules: Rules) -> list[Mention]:
    """One name per business: "Kunxin" takes the name of "Kunxin Semiconductor" found in the
    same article, "Foo Report" that of "Foo Report 2019"."""
    forms = short_forms(sorted(mentions, key=lambda m: -len(m.name)), rules)
    for mention in mentions:
        longer = forms.get(tuple(mention.name.split()))
        same_class = (longer is not None) and (longer.kind == "product") == (mention.kind == "product")
        if same_class and longer.name != mention.name:
            mention.name, mention.kind = longer.name, longer.kind
            mention.country = mention.country or longer.country
    return mentions


def mention_of(doc: Doc, chunk: Chunk, verdict: Evidence, gazetteer: Gazetteer) -> Mention:
    """A mention with its canonical name: the gazetteer's when the name is a known form."""
    text = chunk_text(doc, chunk.start, chunk.end)
    if verdict.kind == "product":
        entry = gazetteer.lookup("product", f"{verdict.maker} {text}") if verdict.maker else None
        entry = entry or gazetteer.lookup("product", text)
        return Mention(chunk.start, chunk.end, "product", entry.name if entry else text, maker=verdict.maker)
    entry = gazetteer.lookup("org", text)
    if entry is not None:
        return Mention(chunk.start, chunk.end, entry.kind, entry.name)
    name = text[4:] if verdict.kind == "source" and text.lower().startswith("the ") else text
    return Mention(chunk.start, chunk.end, verdict.kind, name, country=verdict.country)


def short_forms(mentions: list[Mention], rules: Rules) -> dict[tuple[str, ...], Mention]:
    """Other ways an article repeats a kept unknown name: without its corporate suffix
    ("Kunxin" for "Kunxin Semiconductor") or a report without its year."""
    forms: dict[tuple[str, ...], Mention] = {}
    for mention in mentions:
        words = tuple(mention.name.split())
        forms.setdefault(words, mention)
        stem = list(words)
        # A report's year may go, a company's suffix; a product's number never ("Foo 11" is not "Foo").
        while len(stem) > 1 and (mention.kind == "source" and stem[-1][:1].isdigit()
                                 or mention.kind in ORG_KINDS and stem[-1].lower() in rules.suffixes):
            stem.pop()
        if len(stem) < len(words) and " ".join(stem).lower() not in rules.generic_words:
            forms.setdefault(tuple(stem), mention)
    return forms


def repeated_mentions(doc: Doc, found: list[Mention], taken: set[int], rules: Rules) -> list[Mention]:
    """Every other occurrence of a kept unknown name or its short form, whatever its context."""
    return [Mention(start, end, m.kind, m.name, maker=m.maker, country=m.country)
            for start, end, m in occurrences(doc, short_forms(found, rules), taken)]


def occurrences(doc: Doc, forms: Mapping[tuple[str, ...], Mention], taken: set[int]) -> list[tuple[int, int, Mention]]:
    """Where the word sequences of `forms` stand in the doc as whole names, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for words in sorted(forms, key=len, reverse=True):
        by_first[words[0]].append(words)
    found, i = [], 0
    while i < len(doc):
        candidates = [] if i in taken else by_first.get(doc[i].text, [])
        match = next((w for w in candidates if fits(doc, i, w, taken)), None)
        if match is None:
            i += 1
            continue
        found.append((i, i + len(match), forms[match]))
        i += len(match)
    return found


def fits(doc: Doc, i: int, words: tuple[str, ...], taken: set[int]) -> bool:
    """The words stand at token i as a whole name (not inside a longer capitalised run)."""
    end = i + len(words)
    if end > len(doc) or any(doc[i + k].text != word or i + k in taken for k, word in enumerate(words)):
        return False
    return end == len(doc) or not (doc[end].text[:1].isupper() and doc[end].tag_ in ("NNP", "NNPS"))


def publisher_short_mentions(doc: Doc, mentions: list[Mention], taken: set[int], rules: Rules) -> list[Mention]:
    """ "the Journal" after "the Wall Street Journal": an outlet by the last word of its name."""
    lasts = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        words = mention.name.split()
        if mention.kind in SOURCE_KINDS and len(words) > 1 and words[-1].isalpha() \
                and words[-1].lower() not in rules.suffixes and words[-1].lower() not in rules.generic_words:
            lasts.setdefault(words[-1], mention)
    found = []
    for token in doc:
        named = lasts.get(token.text)
        if named is None or token.i in taken or token.i <= named.start or doc[prev_i(doc, token.i)].lower_ != "the":
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper():
            continue
        found.append(Mention(token.i, token.i + 1, named.kind, named.name))
    return found


# -- the component ------------------------------------------------------------------------

@Language.factory(
    "chinatech_entities",
    assigns=["doc.spans", "doc._.ct_makers", "doc._.ct_people_info", "doc._.ct_company_info"],
    default_config={"extra_companies": [], "extra_products": []},
)
def make_entities(nlp: Language, name: str, extra_companies: list[dict], extra_products: list[dict]) -> "Entities":
    return Entities(nlp, knowledge.companies(extra_companies), knowledge.products(extra_products),
                    former=former_names(extra_companies))


def former_names(extra: Iterable[dict] = ()) -> dict[str, tuple[str, ...]]:
    """Each company's former names (NextEV for NIO), shipped plus `extra`."""
    return {e.name: e.former_names for e in knowledge.companies(extra) if e.former_names}


class Entities:
    """Find companies, products and people in a doc (see the module docstring)."""

    def __init__(self, nlp: Language, companies: Iterable[knowledge.Entry], products: Iterable[knowledge.Entry],
                 former: Mapping[str, tuple[str, ...]] | None = None):
        self.gazetteer = Gazetteer(nlp, companies, products)
        self.rules = rules()
        self.people_rules = people_.people_rules()
        self.former = former or {}

    def __call__(self, doc: Doc) -> Doc:
        known = known_mentions(doc, self.gazetteer)
        heading = heading_tokens(doc, {i for m in known for i in range(m.start, m.end)})
        ctx = Context(doc, known, self.rules)
        resolve_duals(ctx, known, self.gazetteer)
        known = [grow(ctx, m, self.gazetteer, heading) for m in known]
        ctx = Context(doc, known, self.rules)
        names = people_.full_names(doc, covered(known), self.people_rules)
        names = [n for n in names if not business_name(ctx, *n) and not alone_on_line(doc, *n)]
        parts = {part for s, e in names for part in people_.name_parts(" ".join(people_.words_of(doc, s, e)))}
        blocked = covered(known) | {i for s, e in names for i in range(s, e)}
        stems = known_short_mentions(doc, known, blocked, self.rules)
        for mention in stems:
            ctx.add(mention)
        blocked |= covered(stems)
        chunks = candidate_chunks(doc, blocked, parts, self.rules, self.people_rules)
        found = stems + unknown_mentions(ctx, chunks, heading, self.gazetteer)
        taken = blocked | covered(found)
        found += repeated_mentions(doc, found, taken, self.rules)
        mentions = known + found
        mentions += publisher_short_mentions(doc, mentions, taken | covered(found), self.rules)
        merge_branded_products(mentions)
        renamed = names_of_the_time(doc, mentions, self.former)
        for mention in mentions:
            mention.name = renamed.get(mention.name, mention.name) if mention.kind in ORG_KINDS else mention.name
            mention.maker = renamed.get(mention.maker, mention.maker)
        orgs = {i: m.name for m in mentions if m.kind in ORG_KINDS for i in range(m.start, m.end)}
        people = people_.find_people(doc, names, covered(mentions), orgs, self.people_rules)
        write(doc, mentions, people, self.gazetteer, renamed)
        return doc


def merge_branded_products(mentions: list[Mention]) -> None:
    """One row for a product written with and without its maker's name: "Find N3" is
    "Oppo Find N3" where both appear; and for a model code and its plural: "Nvidia H800s"
    is "Nvidia H800"."""
    products = [m for m in mentions if m.kind == "product"]
    full = {m.name: m for m in products}
    for mention in products:
        singular = mention.name[:-1]
        if mention.name.endswith("s") and singular[-1:].isdigit() and singular in full:
            mention.name = singular
    for mention in products:
        for maker in {m.maker for m in products if m.maker}:
            branded = full.get(f"{maker} {mention.name}")
            if branded is not None:
                mention.name, mention.maker = branded.name, branded.maker
                break


def names_of_the_time(doc: Doc, mentions: list[Mention], former: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Companies the article calls only by a former name keep that name in its rows: an
    article that says "NextEV" throughout predates the name NIO."""
    forms: dict[str, list[str]] = defaultdict(list)
    for mention in mentions:
        if mention.kind in ORG_KINDS and mention.name in former:
            forms[mention.name].append(bare(doc[mention.start:mention.end].text).lower())
    renamed = {}
    for name, seen in forms.items():
        old = {f.lower(): f for f in former[name]}
        if all(form in old for form in seen):
            renamed[name] = old[seen[0]]
    return renamed


def covered(mentions: Iterable[Mention]) -> set[int]:
    return {i for m in mentions for i in range(m.start, m.end)}


def write(doc: Doc, mentions: list[Mention], people: list[people_.Person], gazetteer: Gazetteer,
          renamed: Mapping[str, str]) -> None:
    """Span groups and doc extensions: the contract the other components and the rows read."""
    mentions = sorted(mentions, key=lambda m: m.start)
    orgs = sorted([*(m for m in mentions if m.kind in ORG_KINDS), *makers_in_names(doc, mentions, gazetteer, renamed)],
                  key=lambda m: (m.start, m.end))
    doc.spans[COMPANIES] = [Span(doc, m.start, m.end, label=m.kind, kb_id=m.name) for m in orgs]
    doc.spans[PRODUCTS] = [Span(doc, m.start, m.end, label="product", kb_id=m.name)
                           for m in mentions if m.kind == "product"]
    doc.spans[PEOPLE] = sorted(
        (Span(doc, s, e, label="person", kb_id=p.name) for p in people for s, e in p.mentions), key=lambda s: s.start
    )
    doc._.ct_makers = {product: renamed.get(maker, maker) for product, maker in makers(mentions, gazetteer).items()}
    doc._.ct_company_info = company_info(orgs, gazetteer, renamed)
    doc._.ct_people_info = {p.name: {"role": p.role, "organization": p.organization} for p in people}


def makers_in_names(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer, renamed: Mapping[str, str]) -> list[Mention]:
    """"512 Nvidia H800 chips" names Nvidia too: a company mention over the maker's name at the
    start of a product's (it overlaps the product's span, as span groups allow)."""
    found = []
    for mention in mentions:
        if mention.kind != "product":
            continue
        known = gazetteer.product(mention.name)
        entry = gazetteer.org(mention.maker or (known.maker if known else ""))
        if entry is None or entry.name.lower() == mention.name.lower():
            continue  # "the Zhihu app" is the product only, not also its namesake maker
        forms = {f.lower() for f in entry.forms}
        for k in range(1, min(4, mention.end - mention.start)):
            if doc[mention.start:mention.start + k].text.lower() in forms:
                name = renamed.get(entry.name, entry.name)
                found.append(Mention(mention.start, mention.start + k, entry.kind, name))
                break
    return found


def makers(mentions: list[Mention], gazetteer: Gazetteer) -> dict[str, str]:
    """Each product's maker: the one the article names (its possessive, "an app by X"),
    else the gazetteer's."""
    found: dict[str, str] = {}
    named = {m.name for m in mentions if m.kind in ORG_KINDS}
    for mention in mentions:
        if mention.kind != "product":
            continue
        if mention.maker and mention.maker != mention.name and not found.get(mention.name):
            found[mention.name] = _named_owner(mention.maker, named, gazetteer)
        elif mention.name not in found:
            entry = gazetteer.product(mention.name)
            found[mention.name] = _named_owner(entry.maker, named, gazetteer) if entry else ""
    return found


def _named_owner(maker: str, named: set[str], gazetteer: Gazetteer) -> str:
    """The gazetteer's maker, or its parent company when the article names only the parent
    (an article on "Xiaomi's SU7" that never mentions the Xiaomi EV unit); `named` holds the
    organisations the article names."""
    owner, seen = maker, set()
    while owner and owner not in named and owner not in seen:
        seen.add(owner)
        entry = gazetteer.org(owner)
        owner = entry.parent if entry else ""
    return owner if owner in named else maker


def company_info(
    mentions: list[Mention], gazetteer: Gazetteer, renamed: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Country and sector of each company: the gazetteer's, else the country the text gives."""
    current = {old: new for new, old in renamed.items()}
    info: dict[str, dict[str, str]] = {}
    for mention in mentions:
        if mention.kind not in ORG_KINDS:
            continue
        entry = gazetteer.org(current.get(mention.name, mention.name))
        known = {"country": entry.country, "sector": entry.sector} if entry else {"country": "", "sector": ""}
        row = info.setdefault(mention.name, known)
        row["country"] = row["country"] or mention.country
    return info


# -- rows --------------------------------------------------------------------------------

def _aggregate(spans: Iterable[Span]) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for span in spans:
        group = groups.setdefault(
            span.kb_id_, {"mentions": 0, "forms": {}, "first": span.start_char, "label": span.label_}
        )
        group["mentions"] += 1
        group["forms"].setdefault(bare(span.text), None)
    return groups


def bare(text: str) -> str:
    """A surface form without a trailing possessive."""
    for ending in POSSESSIVES:
        if text.endswith(ending) and len(text) > len(ending):
            return text[: -len(ending)]
    return text


def company_rows(doc: Doc) -> list[dict]:
    """One row per canonical company in the document; cited publishers and reports have role 'source'."""
    doc_id = meta(doc).get("doc_id", "")
    info = doc._.ct_company_info or {}
    rows = []
    for name, group in _aggregate(doc.spans[COMPANIES]).items():
        details = info.get(name, {})
        rows.append({
            "doc_id": doc_id, "company": name, "mentions": group["mentions"],
            "aliases": ";".join(group["forms"]), "country": details.get("country", ""),
            "first_char": group["first"], "role": "source" if group["label"] in SOURCE_KINDS else "subject",
            "sector": details.get("sector", ""),
        })
    return rows


def product_rows(doc: Doc) -> list[dict]:
    """One row per canonical product in the document, with its maker."""
    doc_id = meta(doc).get("doc_id", "")
    makers_ = doc._.ct_makers or {}
    return [
        {"doc_id": doc_id, "product": name, "maker": makers_.get(name) or "", "mentions": group["mentions"],
         "aliases": ";".join(group["forms"]), "first_char": group["first"]}
        for name, group in _aggregate(doc.spans[PRODUCTS]).items()
    ]


def people_rows(doc: Doc) -> list[dict]:
    """One row per person, the byline's author included."""
    info = doc._.ct_people_info or {}
    data = meta(doc)
    doc_id = data.get("doc_id", "")
    groups = _aggregate(doc.spans[PEOPLE])
    authors = _credited_people(data.get("author") or "")
    rows = []
    for name, group in groups.items():
        details = info.get(name, {})
        role = details.get("role", "") or ("author" if name in authors else "")
        rows.append({"doc_id": doc_id, "person": name, "role": role, "organization": details.get("organization", ""),
                     "mentions": group["mentions"], "first_char": group["first"]})
    for author in authors:
        if author not in groups:
            rows.append({"doc_id": doc_id, "person": author, "role": "author", "organization": "",
                         "mentions": 1, "first_char": -1})
    return rows


def _credited_people(credit: str) -> list[str]:
    """The persons a byline credits: "Scott Murdoch and Donny Kwok" is two; an agency none."""
    names = [n.strip() for n in re.split(r"\s+(?:and|&)\s+", credit.split(",")[0]) if n.strip()]
    return [n for n in names if _names_a_person(n)]


def _names_a_person(credit: str) -> bool:
    """"By Jane Roe" credits a person; "By Indo-Asian News Service" or "By Staff Reporters" does not."""
    name = credit.split(",")[0]  # "Jane Roe, Staff Reporter" is still Jane Roe
    words = {w.strip(".").lower() for w in name.replace("-", " ").split()}
    return not words & rules().byline_org_words
