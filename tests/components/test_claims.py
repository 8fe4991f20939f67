"""The claims extractor: crafted articles with the rows expected, one pattern per case.

Every text opens with a short headline line, the way articles do, so that corpus cleaning
takes that line as the title and the crafted sentences stay body text.
"""

from __future__ import annotations

import pytest
import spacy

from chinatech.components.claims import (
    Quote, claim_rows, find_quotes, iter_claims, load_cues, merge_bracket_fragments, report_title,
)
from chinatech.tables import SCHEMAS

HEADLINE = "Tech roundup\n\n"


@pytest.fixture
def rows(parse):
    """Claims kept for a crafted body (the component's score cut applied)."""
    return lambda body: claim_rows(parse(HEADLINE + body))


@pytest.fixture
def candidates(parse):
    """Every sentence that passed the filters, before the score cut."""
    return lambda body: list(iter_claims(parse(HEADLINE + body), load_cues()))


def find(found: list[dict], fragment: str) -> dict:
    matches = [r for r in found if fragment in r["text"]]
    assert matches, f"no claim containing {fragment!r} in {[r['text'] for r in found]}"
    return matches[0]


def who(row: dict) -> tuple[str, str]:
    return row["attributed_to"], row["source_type"]


# -- attribution -------------------------------------------------------------------------

ATTRIBUTION = [
    pytest.param(
        "“Battery demand is booming in every province,” said Nexon’s chief analyst Maria Delgado.",
        "Battery demand", ("Maria Delgado", "person"), id="speaker-after-quote-name-only"),
    pytest.param(
        "Maria Delgado, chief analyst at Nexon, said: “Battery demand is booming in every province.”",
        "Battery demand", ("Maria Delgado", "person"), id="speaker-before-quote"),
    pytest.param(
        "“Battery demand rose 40% in March. Lenovo sold 2 million tablets in April,” said Maria Delgado.",
        "Battery demand rose", ("Maria Delgado", "person"), id="quote-first-sentence-takes-later-speaker"),
    pytest.param(
        "Peter Novak founded Geely Labs in 2015.\n\n“Orders doubled to 3 million units last year,” he said.",
        "Orders doubled", ("Peter Novak", "person"), id="he-said-nearest-person-before"),
    pytest.param(
        "Sarah Lindqvist, an analyst at Gartner, has tracked the market since 2010.\n\n"
        "“Peter Novak told us that BYD would build 5 factories in Europe,” she said.",
        "build 5 factories", ("Sarah Lindqvist", "person"), id="she-said-skips-names-inside-quote"),
    pytest.param(
        "“Orders doubled last year,” said Peter Novak, head of sales at BYD.\n\n“We shipped 3 million cars in 2023. Exports tripled.”",
        "We shipped", ("Peter Novak", "person"), id="quote-paragraph-continues-previous-speaker"),
    pytest.param(
        "“Orders doubled last year, and exports grew 20% in Europe.\n\n“We shipped 3 million cars in 2023,” said Peter Novak.",
        "exports grew 20%", ("Peter Novak", "person"), id="open-quote-runs-into-next-paragraph"),
    pytest.param(
        "“Exports of electric cars rose 35% last year. We expect another record in 2024.”\n\n"
        "—Zhou Min, an analyst at Nomura, speaking in Shanghai on Monday.",
        "Exports of electric cars", ("Zhou Min", "person"), id="dash-line-after-quote"),
    pytest.param(
        "Smartphone shipments in India fell 8% in 2023, according to Canalys.",
        "Smartphone shipments", ("Canalys", "organisation"), id="according-to-organisation"),
    pytest.param(
        "The Asia Mobile Survey 2022 covered 12 markets across the region.\n\n"
        "Oppo shipped 40 million phones in Southeast Asia in 2022, said the report.",
        "Oppo shipped", ("Asia Mobile Survey 2022", "report"), id="said-the-report-resolves-named-report"),
    pytest.param(
        "The Asia Mobile Survey 2022 covered 12 markets across the region.\n\n"
        "Cloud spending in Vietnam doubled in two years, the report found.",
        "Cloud spending", ("Asia Mobile Survey 2022", "report"), id="the-report-found"),
    pytest.param(
        "Chip imports into Brazil fell 15% in 2023, according to the report.",
        "Chip imports", ("the report", "report"), id="unnamed-report-keeps-its-words"),
    pytest.param(
        "Lenovo said that its server revenue rose 25% in the third quarter.",
        "server revenue", ("Lenovo", "organisation"), id="x-said-that"),
    pytest.param(
        "At a forum in Shenzhen, Wang Lihua, chairman of CATL, he pointed out that battery prices fell 20% in 2023.",
        "battery prices", ("Wang Lihua", "person"), id="pointed-out-pronoun-in-same-sentence"),
    pytest.param(
        "Analysts at Jefferies said that SenseTime relies heavily on government contracts.",
        "SenseTime relies", ("Jefferies", "organisation"), id="subject-phrase-names-organisation"),
    pytest.param(
        "SenseTime was ranked first in facial recognition by IDC in 2021.",
        "SenseTime was ranked", ("IDC", "organisation"), id="ranked-by-agent"),
    pytest.param(
        "Peter Novak stunned investors in March by predicting that electric cars would outsell petrol cars in China by 2030. "
        "Petrol cars would lose 40% of their market share.",
        "Petrol cars would lose", ("Peter Novak", "person"), id="backshifted-would-continues-reported-speech"),
    pytest.param(
        "BYD sold 3 million cars in 2023.",
        "BYD sold", ("", "author"), id="no-attribution-is-the-author"),
    pytest.param(
        "I think Geely will overtake Toyota in China by 2026.",
        "Geely will overtake", ("", "author"), id="first-person-opinion-is-the-author"),
]


@pytest.mark.parametrize("body, fragment, expected", ATTRIBUTION)
def test_attribution(rows, body, fragment, expected):
    assert who(find(rows(body), fragment)) == expected


MORE_ATTRIBUTION = [
    pytest.param(
        "“Battery swapping is the fastest way to refuel an electric car,” Li Bin said. “We will keep building 1,000 stations a year.”",
        "We will keep building", ("Li Bin", "person"), id="second-quote-in-paragraph-same-speaker"),
    pytest.param(
        "BYD’s profit rose 80% in 2023, the company said in a filing.",
        "BYD’s profit", ("BYD", "organisation"), id="the-company-said-name-in-same-sentence"),
    pytest.param(
        "BYD, which is backed by Berkshire Hathaway, sold 3 million cars in 2023. It said that exports rose 300% in the year.",
        "exports rose", ("BYD", "organisation"), id="it-said-is-the-last-subject-not-the-investor"),
    pytest.param(
        "In the Global EV Outlook 2024, analysts counted 14 million electric car sales. "
        "The outlook found that prices of batteries fell 14% in 2023.",
        "prices of batteries", ("Global EV Outlook 2024", "report"), id="report-title-without-leading-words"),
    pytest.param(
        "The Asia Mobile Survey 2022 covered 12 markets. The Asia Mobile Survey 2022 found that 5G use tripled.\n\n"
        "Mobile payments in Vietnam rose 20% in 2023, according to the Global Fintech Index 2023.",
        "Mobile payments", ("Global Fintech Index 2023", "report"), id="a-second-named-report-keeps-its-name"),
    pytest.param(
        'Maria Delgado, an analyst at Nexon, was blunt: "Lenovo is at least five years behind its rivals. '
        'Sanctions have slowed it down by 30%."',
        "Sanctions have slowed", ("Maria Delgado", "person"), id="speaker-before-colon-without-verb"),
    pytest.param(
        "Because Beijing may cut subsidies again in 2025, EV sales could fall 10%, analysts at Jefferies wrote in a note to clients.",
        "EV sales could fall", ("Jefferies", "organisation"), id="trailing-cue-with-prepositional-tail"),
]


@pytest.mark.parametrize("body, fragment, expected", MORE_ATTRIBUTION)
def test_more_attribution(rows, body, fragment, expected):
    assert who(find(rows(body), fragment)) == expected


# "The firm", "the startup", unnamed people and list owners: a phrase that describes or
# surrounds a name is resolved to the actor it means, not to the word nearest to it.
REFERRING_ATTRIBUTION = [
    pytest.param(
        "Tablet sales in Brazil fell 12% in 2023, figures from research firm Canalys show. "
        "Budget maker Xiaomi's tablet sales dropped from 9 million to 7 million units, according to the firm.",
        "Xiaomi's tablet sales", ("Canalys", "organisation"), id="according-to-the-firm-same-descriptor"),
    pytest.param(
        "Canalys published its tablet tracker on Monday. "
        "Xiaomi's tablet sales in Brazil dropped 22% to 7 million units in 2023, according to the company.",
        "Xiaomi's tablet sales", ("Canalys", "organisation"), id="according-to-the-company-prefers-the-cited-publisher"),
    pytest.param(
        "Nio recorded its highest growth in October. "
        "The EV startup said on Monday it shipped 16,074 cars in October, up 30 percent from a year earlier.",
        "shipped 16,074 cars", ("NIO", "organisation"), id="descriptive-noun-phrase-is-the-company-meant"),
    pytest.param(
        "Tencent opened a studio in Paris in 2022. "
        "The group, which last year settled a lawsuit with Peter Novak, reported a 45% increase in profit to US$3 billion.",
        "45% increase", ("Tencent", "organisation"), id="the-group-reported-figure-skips-relative-clause"),
    pytest.param(
        "Sources close to Moonshot AI said the latest round valued the startup at US$2 billion.",
        "latest round", ("Sources close to Moonshot AI", "unnamed"), id="sources-close-to-x-are-not-x"),
    pytest.param(
        "BYD sold 3 million cars in 2023. Experts believe the Shenzhen-based carmaker can sell 4 million cars in 2024.",
        "Experts believe", ("Experts", "unnamed"), id="generic-plural-people-name-no-one"),
    pytest.param(
        "Shipments fell 3 percent, new research said on Wednesday. The survey by Canalys put Oppo second.",
        "Shipments fell", ("Canalys", "organisation"), id="unnamed-research-is-the-one-firm-cited"),
    pytest.param(
        "Huawei sold 30,000 cars in May. Huawei's rise up the sales charts shows it has made inroads into the world's biggest car market.",
        "rise up", ("", "author"), id="what-happened-to-a-firm-is-no-source"),
    pytest.param(
        "Kuaishou said its users grew. The firm also informed that retailers on its platform are the most obsessed with live streaming.",
        "informed", ("Kuaishou", "organisation"), id="informed-that-reports"),
    pytest.param(
        "Live streaming brought in 90% of Kuaishou's RMB 22 billion revenue in 2018, local media reported.",
        "90%", ("local media", "unnamed"), id="local-media-reported"),
    pytest.param(
        "As Bloomberg has reported, Hero Games has revealed that the game has sold 18 million copies.",
        "18 million", ("Bloomberg", "organisation"), id="as-x-reported"),
    pytest.param(
        "Reuters published an analysis of SMIC's plans. Gartner expects demand to rise. "
        "The analysis also noted that mature chips are widely used in 80% of cars.",
        "mature chips", ("Reuters", "organisation"), id="the-analysis-is-its-publishers"),
    pytest.param(
        "PDD reported strong results. Executives said on a post-earnings call that 620 million users took part in its subsidies.",
        "620 million", ("PDD Holdings", "organisation"), id="executives-speak-for-their-company"),
    pytest.param(
        "Shein is a fast fashion giant. According to its latest recruitment advertisements, Shein serves consumers in more than 150 countries.",
        "150 countries", ("Shein", "organisation"), id="its-own-document"),
    pytest.param(
        "Its PC business made up 47 per cent of revenue, and chairman and CEO Yuanqing Yang told Reuters in an interview that this share would rise.",
        "47 per cent", ("Yuanqing Yang", "person"), id="told-x-is-not-x-speaking"),
    pytest.param(
        "CATL posted record profit. Revenue was up 8.3% to 94.2 billion yuan, according to a stock filing on Wednesday.",
        "8.3%", ("CATL", "organisation"), id="a-stock-filing-is-the-companys"),
    pytest.param(
        "Robot makers are racing ahead. Bank of America sees 3 billion humanoid robots in use by 2060.",
        "3 billion", ("Bank of America", "organisation"), id="sees-a-figure-is-a-forecast"),
    pytest.param(
        "China Mobile added 28.7 million 5G subscribers in June, according to the carrier's latest figures.",
        "28.7 million", ("China Mobile", "organisation"), id="the-carriers-own-figures"),
    pytest.param(
        "iQIYI has 105.8 million members. That compares with the 60.6 million paying subscribers revealed by Netflix in North America.",
        "60.6 million", ("Netflix", "organisation"), id="revealed-by-x"),
    pytest.param(
        "Blocks of shares changed hands at a valuation of $200 billion, according to several people familiar with the matter.",
        "changed hands", ("people familiar with the matter", "unnamed"), id="unnamed-source-without-its-count"),
    pytest.param(
        "Apple sold 8 million phones in India in 2023. The top spot by a foreign brand on Canalys' list went to Samsung in 2023.",
        "The top spot", ("Canalys", "organisation"), id="place-on-a-list-is-its-owners-claim"),
    pytest.param(
        "Xiaomi has disputed Canalys' numbers for 2023, pointing to higher estimates of 12 million units.",
        "disputed", ("", "author"), id="disputing-a-list-is-not-citing-it"),
]


@pytest.mark.parametrize("body, fragment, expected", REFERRING_ATTRIBUTION)
def test_referring_attribution(rows, body, fragment, expected):
    assert who(find(rows(body), fragment)) == expected


def test_bracketed_ticker_neither_opens_a_claim_nor_speaks(rows):
    found = rows("Nio's shares in Hong Kong [HKG: 9866] rose 4 percent to HKD50.10 today. "
                 "The Shanghai-based firm's New York-listed stock [NYSE: NIO] closed 3.5 percent up at USD6.99 yesterday.")
    assert not any(r["text"].lstrip("[").startswith(("NYSE", "HKG")) for r in found)
    assert all(r["attributed_to"] not in ("NYSE", "HKG") for r in found)


MERGED = (0, "Nio 's New York - listed stock [ NYSE : NIO ] closed up 3 % .")


@pytest.mark.parametrize("starts, expected", [
    pytest.param([0, 7, 17], [MERGED, (2, "Ok")], id="split-before-bracket"),
    pytest.param([0, 8, 17], [MERGED, (2, "Ok")], id="split-inside-bracket"),
    pytest.param([0, 17], [MERGED, (1, "Ok")], id="no-split-kept"),
    pytest.param([0, 12, 17], [(0, "Nio 's New York - listed stock [ NYSE : NIO ]"), (1, "closed up 3 % ."), (2, "Ok")],
                 id="split-after-bracket-closes-is-left"),
])
def test_merge_bracket_fragments(starts, expected):
    nlp = spacy.blank("en")
    doc = nlp("Nio's New York-listed stock [NYSE: NIO] closed up 3%. Ok")
    for token in doc:
        token.is_sent_start = token.i in starts
    merged = [(n, " ".join(t.text for t in span)) for n, span in merge_bracket_fragments(list(doc.sents), doc.text)]
    assert merged == expected


@pytest.mark.parametrize("body, fragment, subject", [
    pytest.param("Chinese carmakers sold 3 million cars abroad in 2023.", "Chinese carmakers", "Chinese carmakers",
                 id="nationality-modifier-keeps-the-noun-phrase"),
    pytest.param("Veteran investor, Wei Zhang, founded the chip startup Lumo in 2019.", "Wei Zhang", "Wei Zhang",
                 id="apposed-name"),
    pytest.param("Xpeng shipped 20,000 cars in October. The Guangzhou-based firm's shares rose 9 percent on Monday.",
                 "shares rose", "XPeng", id="descriptive-owner-is-the-company-meant"),
])
def test_subject_is_the_full_phrase_or_the_entity_meant(rows, body, fragment, subject):
    assert find(rows(body), fragment)["subject"] == subject


def test_hyphen_bullets_after_a_quote_are_claims_not_credits(rows):
    found = rows("“Orders doubled last year and margins improved in every quarter,” said Wang Lihua.\n\n"
                 "- BYD sold 3 million cars in 2023, up 62% from a year earlier.\n"
                 "- Nio delivered 160,000 cars in 2023, up 31% from a year earlier.")
    assert [(r["text"][:14], *who(r)) for r in found] == [
        ("“Orders double", "Wang Lihua", "person"),
        ("BYD sold 3 mil", "", "author"),
        ("Nio delivered ", "", "author"),
    ]


def test_every_sentence_of_a_quote_has_its_speaker(rows):
    found = rows("“Battery demand rose 40% in March. Lenovo sold 2 million tablets in April,” said Maria Delgado.")
    assert [(r["text"], *who(r), r["claim_type"]) for r in found] == [
        ("“Battery demand rose 40% in March", "Maria Delgado", "person", "quote"),
        ("Lenovo sold 2 million tablets in April,” said Maria Delgado", "Maria Delgado", "person", "quote"),
    ]


def test_dash_line_is_not_a_claim(rows):
    found = rows("“Exports of electric cars rose 35% last year. We expect another record in 2024.”\n\n"
                 "—Zhou Min, an analyst at Nomura, speaking in Shanghai on Monday.")
    assert [who(r) for r in found] == [("Zhou Min", "person")] * 2
    assert not any("analyst at Nomura" in r["text"] for r in found)


# -- one exact row -----------------------------------------------------------------------

def test_exact_row(rows):
    found = rows("Smartphone shipments in India fell 8% in 2023, according to Canalys.")
    assert len(found) == 1
    row = dict(found[0])
    assert row.pop("score") >= 2.0
    assert row == {
        "doc_id": "t", "sentence_id": 0,
        "text": "Smartphone shipments in India fell 8% in 2023, according to Canalys",
        "subject": "Smartphone shipments", "claim_type": "statistic", "attributed_to": "Canalys", "hedged": False,
        "start_char": len(HEADLINE), "end_char": len(HEADLINE) + 67, "predicate": "fall", "object": "in 2023",
        "source_type": "organisation", "negated": False,
    }


def test_rows_have_the_table_columns(rows):
    found = rows("BYD sold 3 million cars in 2023.")
    assert found and all(set(r) == set(SCHEMAS["claims"].names) for r in found)


# -- claim types -------------------------------------------------------------------------

TYPES = [
    ("Nio delivered 160,000 cars in 2023.", "statistic"),
    ("CATL is the world’s largest maker of electric car batteries.", "ranking"),
    ("BYD sold more electric cars than Tesla in the fourth quarter.", "comparison"),
    ("Geely acquired Volvo Cars from Ford in 2010.", "event"),
    ("Nio will open a second factory in Hungary next year.", "prediction"),
    ("“Battery demand is booming in every province,” said Nexon’s chief analyst Maria Delgado.", "quote"),
    ("Analysts at Jefferies said that SenseTime relies heavily on government contracts.", "assessment"),
]


@pytest.mark.parametrize("body, claim_type", TYPES, ids=[t for _, t in TYPES])
def test_claim_type(rows, body, claim_type):
    found = rows(body)
    assert [r["claim_type"] for r in found] == [claim_type]


def test_subject_is_the_canonical_entity(rows):
    row = find(rows("Geely acquired Volvo Cars from Ford in 2010."), "Geely")
    assert (row["subject"], row["predicate"], row["object"]) == ("Geely", "acquire", "Volvo Cars")


# -- hedges and negation -----------------------------------------------------------------

HEDGES = [
    ("Xiaomi may launch a foldable phone in Europe this year.", True),
    ("Oppo might ship 50 million phones in India in 2024.", True),
    ("Lenovo could cut 2,000 jobs in Europe.", True),
    ("Nio is likely to post a loss of $1 billion in 2024.", True),
    ("BYD is expected to sell 4 million cars in 2024.", True),
    ("I think Geely will overtake Toyota in China by 2026.", True),
    ("Xiaomi seems to have sold 10 million phones in Brazil.", True),
    ("Xiaomi sold 10 million phones in Brazil in May.", False),
    ("BYD sold 3 million cars in 2023.", False),
]


@pytest.mark.parametrize("body, hedged", HEDGES, ids=[b.split(" ", 2)[1] for b, _ in HEDGES])
def test_hedged(candidates, body, hedged):
    assert [r["hedged"] for r in candidates(body)] == [hedged]


NEGATIONS = [
    ("Xiaomi did not launch a tablet in Brazil in 2021.", True),
    ("Nio has never made an annual profit since 2014.", True),
    ("Lenovo can’t sell servers in the US market.", True),
    ("Xiaomi launched a tablet in Brazil in 2021.", False),
]


@pytest.mark.parametrize("body, negated", NEGATIONS, ids=["not", "never", "can't", "plain"])
def test_negated(candidates, body, negated):
    assert [r["negated"] for r in candidates(body)] == [negated]


# -- what is not a claim -----------------------------------------------------------------

def test_questions_headings_and_calls_to_action_are_dropped(candidates):
    # The checkable sentence sits in the middle: cleaning drops short lines ending an article.
    body = (
        "Will Nio ship 200,000 cars in 2024?\n\n"
        "Nio’s 2024 Delivery Targets\n\n"
        "Nio shipped 160,000 cars in 2023, up from 122,000 cars in 2022.\n\n"
        "Ponder what 5 million robots could mean for Shenzhen’s factories.\n\n"
        "You would be surprised how fast BYD grew in 2023, by 40%."
    )
    assert [r["text"] for r in candidates(body)] == ["Nio shipped 160,000 cars in 2023, up from 122,000 cars in 2022"]


def test_scare_quotes_are_not_speech(rows):
    found = rows("Oppo calls its 2023 phones “the clear leaders” in India, with 30 million sold.")
    assert [who(r) for r in found] == [("", "author")]
    assert found[0]["claim_type"] != "quote"


def test_score_ranks_checkable_claims_first(candidates):
    body = (
        "Meanwhile, Chinese firms are increasingly curious about robots.\n\n"
        "Nio delivered 160,000 cars in 2023, according to Canalys."
    )
    scored = sorted(candidates(body), key=lambda r: r["score"], reverse=True)
    assert scored[0]["text"].startswith("Nio delivered")


def test_offsets_point_into_the_original_text(parse):
    text = HEADLINE + (
        "• Oppo shipped 40 million phones in 2022, said the report.\n\n"
        "“Orders doubled to 3 million units last year,” said Peter Novak.\n\n"
        "BYD, a carmaker based in Shenzhen, sold 3 million cars in 2023."
    )
    doc = parse(text)
    found = claim_rows(doc)
    assert len(found) == 3
    for row in found:
        assert text[row["start_char"]:row["end_char"]] == row["text"]
    assert [r["sentence_id"] for r in found] == sorted(r["sentence_id"] for r in found)


# -- pure helpers (tokenizer only) -------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("He said “we grew” today.", [Quote(8, 17, True)]),
    ('He said "we grew" today.', [Quote(8, 17, True)]),
    ("“Open quote runs on\n“and closes here.”", [Quote(0, 19, False), Quote(20, 38, True)]),
    ("No quotes at all; Oppo’s apostrophe is not one.", []),
])
def test_find_quotes(text, expected):
    assert find_quotes(text) == expected


def test_report_title_prefers_the_fullest_most_cited_name():
    nlp = spacy.blank("en")
    text = ("The Asia Mobile Survey 2022 covers 12 markets. The Asia Mobile Survey found growth. "
            "The survey also covers prices.")
    assert report_title(nlp(text), text, load_cues()) == "Asia Mobile Survey 2022"
    assert report_title(nlp("The survey found growth."), "The survey found growth.", load_cues()) == ""


def test_cues_load_from_data():
    cues = load_cues()
    assert {"say", "find", "announce"} <= cues.reporting
    assert {"may", "might"} <= cues.hedge_modals and "likely" in cues.hedge_words
    assert cues.report_title.search("as the Global Payments Report 2021 found")
