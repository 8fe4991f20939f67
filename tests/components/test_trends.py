"""The trend matcher: folding rules as pure functions, then crafted sentences through the real pipeline."""

from __future__ import annotations

import time

import pytest
import spacy

from chinatech import knowledge
from chinatech.components.trends import (
    Trends, cased_singular, evidence, fold, is_cased, reported, salience, singular, strict_joins, taxonomy_forms,
    tokenise, trend_rows, trend_sentences, weak_forms,
)


# -- folding ------------------------------------------------------------------------------

@pytest.mark.parametrize("word, expected", [
    ("apps", "app"), ("cities", "city"), ("businesses", "business"), ("switches", "switch"),
    ("devices", "device"), ("app", "app"), ("news", "news"), ("analytics", "analytics"),
    ("robotics", "robotics"), ("status", "status"), ("analysis", "analysis"), ("gas", "gas"),
    ("e-commerce", "e-commerce"), ("series", "sery"),
])
def test_singular(word, expected):
    assert singular(word) == expected


@pytest.mark.parametrize("word, expected", [
    ("AI", True), ("IoT", True), ("5G", True), ("O2O", True), ("LLMs", True), ("eCommerce", True),
    ("Ai", False), ("ai", False), ("Cloud", False), ("cloud", False), ("2019", True),
])
def test_is_cased(word, expected):
    assert is_cased(word) is expected


@pytest.mark.parametrize("word, expected", [
    ("LLMs", "LLM"), ("EVs", "EV"), ("GPUs", "GPU"), ("AI", "AI"), ("SaaS", "SaaS"), ("iOS", "iOS"),
    ("apps", "apps"), ("AIs", "AI"),
])
def test_cased_singular(word, expected):
    assert cased_singular(word) == expected


@pytest.mark.parametrize("word, expected", [("LLMs", "llm"), ("Super", "super"), ("Apps", "app"), ("EVs", "ev")])
def test_fold(word, expected):
    assert fold(word) == expected


@pytest.mark.parametrize("words, kept, expected", [
    (["over", "-", "the", "-", "top"], [0, 2, 4], (0, 1)),   # a set phrase: hyphens required
    (["take", "-", "out", "delivery"], [0, 2, 3], (0,)),
    (["super", "-", "app"], [0, 2], ()),                       # no function word: open spelling fine
    (["video", "on", "demand"], [0, 1, 2], ()),                # written open in the taxonomy
])
def test_strict_joins(words, kept, expected):
    assert strict_joins(words, kept) == expected


def test_tokenise_splits_forms_as_the_tokenizer_does():
    nlp = spacy.blank("en")
    forms = ["super-app", "5G networks", "U.S.-China trade war", "Singles' Day", "AI+", "cannot", "L2+ driving"]
    expected = [[(t.text, bool(t.whitespace_)) for t in nlp.make_doc(f)] for f in forms]
    assert tokenise(nlp, forms) == expected


def test_every_shipped_form_tokenises_as_alone():
    nlp = spacy.blank("en")
    forms = [f for e in knowledge.trends() for f in e.forms]
    expected = [[(t.text, bool(t.whitespace_)) for t in nlp.make_doc(f)] for f in forms]
    assert tokenise(nlp, forms) == expected


# -- evidence -----------------------------------------------------------------------------

@pytest.mark.parametrize("mentions, expected", [
    ([("trend", "ai")], 1.0),
    ([("weak", "advertising")], 0.5),
    ([("weak", "advertising"), ("weak", "advertising")], 0.5),
    ([("weak", "advertising"), ("weak", "ad revenue")], 1.0),
    ([("trend", "ai"), ("trend", "ai"), ("weak", "x")], 2.5),
])
def test_evidence(mentions, expected):
    assert evidence(mentions) == expected


@pytest.mark.parametrize("weight, expected", [(1.0, 0.5), (2.0, 0.75), (3.0, 0.875)])
def test_salience(weight, expected):
    assert salience(weight) == expected


# -- the taxonomy -------------------------------------------------------------------------

def test_taxonomy_is_broad_and_categorised():
    entries = knowledge.trends()
    assert len(entries) >= 120
    assert all(e.category for e in entries)
    assert len({e.category for e in entries}) >= 9


def test_no_form_names_two_trends():
    forms = taxonomy_forms(spacy.blank("en"), knowledge.trends(), weak_forms())
    owners: dict = {}
    for form, _ in forms:
        owners.setdefault((form.keys, form.cased), set()).add(form.trend)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_weak_forms_belong_to_known_trends():
    names = {e.name for e in knowledge.trends()}
    assert set(weak_forms()) <= names


def test_narrower_trends_are_known():
    names = {e.name for e in knowledge.trends()}
    items = knowledge.read_data("trends.yaml")["trends"]
    assert {n for i in items for n in i.get("narrower") or ()} <= names


def test_weak_only_trend_yields_to_a_narrower_one():
    groups = {"automotive industry": {"mentions": [("weak", "carmaker"), ("weak", "auto market")],
                                      "narrower": ["electric vehicles"]},
              "electric vehicles": {"mentions": [("trend", "ev")]}}
    assert set(reported(groups)) == {"electric vehicles"}
    groups["automotive industry"]["mentions"].append(("trend", "auto industry"))
    assert set(reported(groups)) == {"automotive industry", "electric vehicles"}


def test_user_entry_replaces_shipped_weak_forms():
    assert "advertising" in weak_forms()["online advertising"]
    assert weak_forms([{"name": "online advertising", "category": "media"}])["online advertising"] == frozenset()


def test_start_up_is_fast(nlp):
    entries, weak = knowledge.trends(), weak_forms()
    best = min(_timed(lambda: Trends(nlp, entries, weak=weak)) for _ in range(3))
    assert best < 0.3


def _timed(build) -> float:
    start = time.perf_counter()
    build()
    return time.perf_counter() - start


# -- crafted sentences through the real pipeline -------------------------------------------

def found(parse, text: str) -> dict[str, str]:
    return {r["trend"]: r["terms"] for r in trend_rows(parse(text))}


@pytest.mark.parametrize("text, trend, terms", [
    # acronyms: their own casing, plurals and possessives, inside hyphenated words
    ("Investors keep pouring money into AI.", "artificial intelligence", "AI"),
    ("The AI-powered camera sold out.", "artificial intelligence", "AI-powered"),
    ("China's AI's reach is growing.", "artificial intelligence", "AI"),
    ("Firms raced to train LLMs this year.", "large language models", "LLMs"),
    ("Sales of EVs doubled.", "electric vehicles", "EVs"),
    ("Operators began rolling out 5G last year.", "5G", "5G"),
    ("Factories connect sensors over IoT.", "Internet of Things", "IoT"),
    # aliases
    ("Artificial intelligence will reshape retail.", "artificial intelligence", "artificial intelligence"),
    ("The Internet of Things links every device.", "Internet of Things", "internet of things"),
    ("Riders shop through online-to-offline services.", "O2O", "online-to-offline"),
    # plurals, hyphens and case folded
    ("Super-apps bundle payments and chat.", "super app", "super-apps"),
    ("Super Apps bundle payments and chat.", "super app", "super apps"),
    ("Short-video platforms grew fast.", "short video", "short-video platforms"),
    ("Its short videos went viral.", "short video", "short videos"),
    ("Stores pushed group-buying deals.", "group buying", "group-buying"),
    # verb inflections of phrases, and listed verb forms of single words
    ("Brands live-streamed their launches.", "live streaming", "live-streamed"),
    ("The startup went global within a year.", "going global", "went global"),
    ("Mobile payment apps leapfrogged credit cards.", "leapfrogging", "leapfrogged"),
    # a set phrase written hyphenated, and a trend named through the kind of company
    ("Viewers are leaving cable for over-the-top services.", "online video", "over-the-top"),
    ("The social media giant posted record profits.", "social media", "social media giant"),
    # generic industry words corroborating each other, with no narrower trend to explain them
    ("Carmakers cut prices as the auto market cooled.", "automotive industry", "carmakers;auto market"),
    # console and PC games are video games; phone games are mobile gaming
    ("The console games sold well and gamers loved the downloadable content.", "video games",
     "console games;gamers;downloadable content"),
    ("Mobile games are booming, and gamers spend more on gaming each year.", "mobile gaming", "mobile games"),
    # finer hardware trends beside the broad one
    ("Foundries are doubling down on legacy chips.", "mature-node chips", "legacy chips"),
    ("Demand for AI servers lifted its revenue.", "servers", "AI servers"),
    ("New rules restrict sales of chipmaking tools to China.", "semiconductor equipment", "chipmaking tools"),
])
def test_finds(parse, text, trend, terms):
    assert found(parse, text).get(trend) == terms


@pytest.mark.parametrize("text, trend", [
    # "ai" inside a word, or not in AI's casing, is not AI
    ("The Thai retail chain opened stores in Chiang Mai.", "artificial intelligence"),
    ("Ai Weiwei exhibited in Berlin.", "artificial intelligence"),
    ("They said the ai craze had passed.", "artificial intelligence"),
    ("The iota of doubt remained.", "Internet of Things"),
    # a single noun that is also a verb does not fire as the verb
    ("Investors chipped in ten million dollars.", "semiconductors"),
    # weak forms alone, or one weak form repeated, make no row
    ("The key takeaway was clear.", "food delivery"),
    ("Advertising slowed. Advertising always slows in winter.", "online advertising"),
    ("Tech giants met. The tech giants then left.", "platform economy"),
    ("The new phone is on display.", "displays"),
    # a trend word inside a company's name is the name, not the trend
    ("Shares of Quillfeather Robotics Inc rose 5% on its debut.", "robotics"),
    # the general trend's weak words only set the scene of the narrower one
    ("Mobile games are booming, and gamers spend more on gaming each year.", "video games"),
    # a hyphenated set phrase written open is an everyday idiom
    ("The rival took over the top spot in the rankings.", "online video"),
    ("Diners may take out what they cannot finish.", "food delivery"),
    ("The puzzle game is free to play.", "mobile gaming"),
    # a broadcaster, a ministry, a number and generic business phrases are not trends by themselves
    ("State broadcaster CCTV aired the speech.", "surveillance"),
    ("The MoE issued new guidelines for universities.", "AI training and inference"),
    ("The bank flagged geopolitical risks in its outlook.", "tech rivalry"),
    ("Shares rose 11.11% on Friday.", "e-commerce"),
    ("Assembly lines at the plant restarted.", "electronics manufacturing"),
    # generic industry words are the setting of an article about a narrower trend
    ("Carmakers sold more electric vehicles as the auto market cooled.", "automotive industry"),
])
def test_does_not_find(parse, text, trend):
    assert trend not in found(parse, text)


def test_two_different_weak_forms_make_a_row(parse):
    rows = trend_rows(parse("Advertisers cut budgets. Ad revenue fell for the year."))
    assert [(r["trend"], r["mentions"], r["terms"], r["score"]) for r in rows] == [
        ("online advertising", 2, "advertisers;ad revenue", 0.5)]


def test_row_columns(parse):
    doc = parse("Markets were quiet.\n\nShort video apps drew users. Short video and live streaming merged "
                "into live-stream commerce.", doc_id="d1")
    rows = sorted(trend_rows(doc), key=lambda r: r["trend"])
    assert rows == [
        {"doc_id": "d1", "trend": "live streaming", "mentions": 1, "terms": "live streaming",
         "category": "media", "source": "taxonomy", "first_sentence_id": 2, "score": 0.5},
        {"doc_id": "d1", "trend": "live-stream commerce", "mentions": 1, "terms": "live-stream commerce",
         "category": "commerce", "source": "taxonomy", "first_sentence_id": 2, "score": 0.5},
        {"doc_id": "d1", "trend": "short video", "mentions": 2, "terms": "short video apps;short video",
         "category": "media", "source": "taxonomy", "first_sentence_id": 1, "score": 0.75},
    ]


def test_longest_form_wins(parse):
    # "AI chips" is its own trend: the chips do not also count as bare AI.
    assert found(parse, "Demand for AI chips soared.") == {"AI chips": "AI chips"}


def test_trend_sentences(parse):
    doc = parse("Blockchain is hyped. Nothing here. Blockchain again, and 5G too.")
    assert trend_sentences(doc) == {"blockchain": [0, 2], "5G": [2]}


def test_user_trends_extend_the_taxonomy(nlp):
    extra = [{"name": "quantum sensing", "category": "computing", "aliases": ["quantum sensors"],
              "weak": ["magnetometers"]}]
    component = Trends(nlp, knowledge.trends(extra), weak=weak_forms(extra))
    doc = component(nlp("Quantum sensors and magnetometers and more magnetometers."))
    assert [(r["trend"], r["category"], r["mentions"], r["score"]) for r in trend_rows(doc)] == [
        ("quantum sensing", "computing", 3, 0.646)]
