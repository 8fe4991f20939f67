"""The metrics component: crafted sentences through the real pipeline, with the rows expected."""

from __future__ import annotations

from datetime import date

import pytest

from chinatech.components.metrics import load_cues, metric_rows, negate, normalise_period
from chinatech.components.quantities import Quantity

COLUMNS = ("text", "value", "value_min", "value_max", "unit", "qualifier", "subject")


def row(text, value=None, unit="", qualifier="", subject="", *, low=None, high=None, **more):
    return {"text": text, "value": value, "value_min": low, "value_max": high, "unit": unit,
            "qualifier": qualifier, "subject": subject, **more}


def rows_of(doc, keys):
    return [{k: r[k] for k in keys} for r in metric_rows(doc)]


# ---------------------------------------------------------------- facts found, with their subject

FACTS = [
    # money, percent, counts; the subject from the parse
    ("Sunny Optical raised $450M in a Series C round.",
     [row("$450M", 450_000_000.0, "USD", subject="Sunny Optical", measure="Series C round")]),
    ("Midea's revenue grew 8% to 340 billion yuan.",
     [row("8%", 8.0, "percent", subject="Midea Group", measure="growth"),
      row("340 billion yuan", 340_000_000_000.0, "CNY", subject="Midea Group", measure="revenue")]),
    ("Meitu now has more than 240 million monthly active users.",
     [row("more than 240 million monthly active users", 240_000_000.0, "users", "min", "Meitu",
          measure="monthly active users")]),
    ("Ele.me operates in nearly a dozen countries.",
     [row("nearly a dozen countries", 12.0, "countries", "approx", "Ele.me")]),
    ("Huya has tens of millions of users.",
     [row("tens of millions of users", 20_000_000.0, "users", "approx", "Huya")]),
    ("Founded in 2010, Anta employs about 33,000 people and operates 300 stores in 140 cities.",
     [row("about 33,000 people", 33_000.0, "people", "approx", "Anta", period=""),
      row("300 stores", 300.0, "stores", subject="Anta"),
      row("140 cities", 140.0, "cities", subject="Anta")]),
    # the counted noun from the parse, past modifiers and a coordination
    ("Lenovo backed 7 new robotics and drone startups last year.",
     [row("7 new robotics and drone startups", 7.0, "startups", subject="Lenovo")]),
    ("The firm has a workforce of 12,000.",
     [row("12,000", 12_000.0, "employees", subject="firm", measure="workforce")]),
    ("Sales of electric cars in Norway rose to 1.3 million in 2020.",
     [row("1.3 million", 1_300_000.0, "cars", subject="Norway", period="2020")]),
    # ranges: scale and unit shared, "between" kept in the text
    ("Analysts expect Lenovo's tablet sales to drop by between 2 million and 3 million units.",
     [row("between 2 million and 3 million units", None, "units", subject="Lenovo", low=-3_000_000.0, high=-2_000_000.0)]),
    ("Haier is a big appliance maker. The company opened 25-35 new stores.",
     [row("25-35 new stores", None, "stores", subject="Haier", low=25.0, high=35.0)]),
    # decreases are negative; a level after "to" is not
    ("Tablet shipments in Brazil fell 12% in 2022.",
     [row("12%", -12.0, "percent", subject="Tablet shipments", period="2022")]),
    ("Anta's shares were down 3% in early trading.",
     [row("3%", -3.0, "percent", subject="Anta", measure="decline")]),
    ("BYD's revenue declined 5% to RMB 28 billion.",
     [row("5%", -5.0, "percent", subject="BYD"), row("RMB 28 billion", 28_000_000_000.0, "CNY", subject="BYD")]),
    ("Global tablet demand shrank 6% last year.",
     [row("6%", -6.0, "percent", subject="Global tablet demand")]),
    # ranks and multipliers
    ("Oppo is the third-largest smartphone vendor in Southeast Asia.",
     [row("third-largest", 3.0, "rank", subject="Oppo", measure="rank as smartphone vendor")]),
    ("ZTE ranked No. 4 in the survey.", [row("No. 4", 4.0, "rank", subject="ZTE")]),
    ("Zhihu ranks number two among Q&A sites.",
     [row("number two", 2.0, "rank", subject="Zhihu", measure="rank among Q&A sites")]),
    ("JD.com's quarterly profit tripled.",
     [row("tripled", 200.0, "percent", subject="JD.com", measure="quarterly profit growth")]),
    ("Ant Group's order volume halved.", [row("halved", -50.0, "percent", subject="Ant Group")]),
    # durations that are facts, not time frames
    ("iQiyi lets users post 10-minute videos.",
     [row("10-minute", 10.0, "minutes", subject="iQiyi", measure="video length")]),
    ("Douyin topped the charts for six consecutive months.",
     [row("six consecutive months", 6.0, "months", subject="Douyin")]),
    # pronouns and "the company" resolved to the company named before
    ("Geely reported strong sales. Its overseas unit sold 20,000 cars.",
     [row("20,000 cars", 20_000.0, "cars", subject="Geely")]),
    ("Zhihu's annual revenue was RMB 3.6 billion, an increase of 14.2%.",
     [row("RMB 3.6 billion", 3_600_000_000.0, "CNY", subject="Zhihu", measure="annual revenue"),
      row("14.2%", 14.2, "percent", subject="Zhihu", measure="increase")]),
    # a reporter's subject only when it speaks of itself
    ("CATL said revenue rose 11%.", [row("11%", 11.0, "percent", subject="CATL")]),
    # fractions are shares; "N of them" counts the noun named before; a figure is not its own subject
    ("About two-thirds of Geely owners charge at home.",
     [row("About two-thirds", pytest.approx(200 / 3), "percent", "approx", "Geely")]),
    ("Legend Capital invested in over 800 companies, with 70 of them going public.",
     [row("over 800 companies", 800.0, "companies", "min", "Legend Capital"),
      row("70", 70.0, "companies", subject="Legend Capital")]),
    ("Hikvision has 1,200 engineers, 35% of whom work in Hangzhou.",
     [row("1,200 engineers", 1_200.0, "engineers", subject="Hikvision"), row("35%", 35.0, "percent", subject="Hikvision")]),
    # U.S. with dots: offsets still point at the original text
    ("Geely paid 1.8 billion U.S. dollars for the stake.",
     [row("1.8 billion U.S. dollars", 1_800_000_000.0, "USD", subject="Geely")]),
]


# Lists, changes, glued currency codes, number words with a scale; subjects that are the
# company the parse links to the figure, never the figure's own phrase or an investor.
FACTS += [
    ("Oppo and Honor shipped 9 and 7.5 million units, respectively.",
     [row("9", 9_000_000.0, "units", subject="Oppo"), row("7.5 million units", 7_500_000.0, "units", subject="Honor")]),
    ("Lenovo's tablet shipments fell from 4.2 to 3.1 million year over year.",
     [row("4.2", 4_200_000.0, "shipments", subject="Lenovo"), row("3.1 million", 3_100_000.0, "items", subject="Lenovo")]),
    ("Nio's shares were up 2.3 percent at HKD45.60 (USD5.83) as of 10.00 a.m. today.",
     [row("2.3 percent", 2.3, "percent", subject="NIO"), row("HKD45.60", 45.6, "HKD", subject="NIO"),
      row("USD5.83", 5.83, "USD", subject="NIO")]),
    ("Baidu booked RMB8bn in cloud revenue.", [row("RMB8bn", 8_000_000_000.0, "CNY", subject="Baidu")]),
    ("Analysts think BYD can pass the two million units mark this year.",
     [row("two million units", 2_000_000.0, "units", subject="BYD")]),
    ("Kuaishou, the owner of the Kwai app, grew revenue 9% last year. "
     "The company, which faced a probe, reported revenue of US$9 billion.",
     [row("9%", 9.0, "percent", subject="Kuaishou"), row("US$9 billion", 9_000_000_000.0, "USD", subject="Kuaishou")]),
    ("Zhipu AI is a chatbot maker. Its latest round valued it at about US$2 billion.",
     [row("about US$2 billion", 2_000_000_000.0, "USD", "approx", subject="Zhipu AI")]),
    # a change then a new level is two facts, not a range
    ("Domestic smartphone shipments have fallen by 3 percent to 11 million.",
     [row("3 percent", -3.0, "percent", subject="Domestic smartphone shipments"),
      row("11 million", 11_000_000.0, "shipments", subject="Domestic smartphone shipments")]),
    # the company owns its shares' moves, not the place they trade in
    ("Alibaba's Hong Kong shares gained 2% and NYSE shares rose 2.4%.",
     [row("2%", 2.0, "percent", subject="Alibaba"), row("2.4%", 2.4, "percent", subject="Alibaba")]),
    # a part of what a pronoun stands for; an unresolved pronoun is no subject
    ("Tesla shipped 60,365 cars in February. Of those, 30,224 were for export.",
     [row("60,365 cars", 60_365.0, "cars", subject="Tesla"), row("30,224", 30_224.0, "items", subject="Tesla")]),
    ("Car sales fell. That was down 46.2% from January.", [row("46.2%", -46.2, "percent", subject="")]),
    # a word for the number itself is no unit; a dirham amount written the Gulf way
    ("Analyst Daniel Ahmad said the 700 million figure is from August.", [row("700 million", 700_000_000.0, "items")]),
    ("Meituan said sales rose to $3.6bn (Dh13.2bn).",
     [row("$3.6bn", 3_600_000_000.0, "USD", subject="Meituan"), row("Dh13.2bn", 13_200_000_000.0, "AED", subject="Meituan")]),
    # the name in apposition owns the figure, not the place or rival in possessives
    ("Last week, China's largest chipmaker, SMIC, recorded revenue of $7.2 billion.",
     [row("$7.2 billion", 7_200_000_000.0, "USD", subject="SMIC")]),
    ("Kuaishou's main rival short-video app Douyin, operated by ByteDance, snagged RMB 20 billion.",
     [row("RMB 20 billion", 20_000_000_000.0, "CNY", subject="Douyin")]),
    # a cut's size after "by" is a decrease; what was cut is counted as it is
    ("Tesla reduced the Model 3's price by about $2,000.", [row("about $2,000", -2000.0, "USD", "approx", "Tesla")]),
    ("The firm cut 500 jobs.", [row("500 jobs", 500.0, "jobs", subject="firm")]),
    ("BYD announced price cuts of up to 34% on Monday.", [row("up to 34%", -34.0, "percent", "max", "BYD")]),
    # a share of what a named company owns, unless a named company governs the figure
    ("Analysts attribute over 30% of ByteDance's revenue growth to TikTok.",
     [row("over 30%", 30.0, "percent", "min", "ByteDance")]),
    ("Tencent holds 20% of Meituan's shares.", [row("20%", 20.0, "percent", subject="Tencent")]),
    # a scale abbreviation glued to the number, even where NER calls it a name
    ("Citibank forecasts 648mn humanoid robots by 2040.", [row("648mn humanoid robots", 648_000_000.0, "robots")]),
    # figures listed against names, and a name compounded into the noun a figure hangs from
    ("The rates for sampled Chinese firms were 17% for BYD and 19.3% for Geely.",
     [row("17%", 17.0, "percent", subject="BYD"), row("19.3%", 19.3, "percent", subject="Geely")]),
    ("That compares to OpenAI's ChatGPT mobile app with 6.7 million monthly users in the US.",
     [row("6.7 million monthly users", 6_700_000.0, "users", subject="ChatGPT")]),
    # value wiped out is a decrease
    ("Tencent ended the day down 12%, wiping out $46 billion in market value.",
     [row("12%", -12.0, "percent", subject="Tencent"), row("$46 billion", -46_000_000_000.0, "USD", subject="Tencent")]),
    # a currency symbol with letters glued to its number
    ("The company sold shares at HK$3.99 each.", [row("HK$3.99", 3.99, "HKD", subject="company")]),
    # "by A to B" with A written in full is a change and a level; a bare A opens a range
    ("Mobile gaming revenue jumped by 4.5 billion yuan to 27.5 billion yuan.",
     [row("4.5 billion yuan", 4_500_000_000.0, "CNY", subject="Mobile gaming revenue"),
      row("27.5 billion yuan", 27_500_000_000.0, "CNY", subject="Mobile gaming revenue")]),
    ("Revenue is expected to rise by 5 to 10 percent.",
     [row("5 to 10 percent", None, "percent", subject="Revenue", low=5.0, high=10.0)]),
    # a growth rate stays positive though the growth slowed
    ("Huawei's consumer business growth slowed in 2020 with a 3.3 percent growth rate.",
     [row("3.3 percent", 3.3, "percent", subject="Huawei")]),
    # a measure noun as a main clause's subject stands for the company in focus, whatever the verb
    ("Horizon Robotics debuted in Hong Kong on Thursday. The stock closed at HK$4.10.",
     [row("HK$4.10", 4.10, "HKD", subject="Horizon Robotics")]),
    # a count of the maker's own named product is about the product; of another maker's, about its owner
    ("To date, Xiaomi has delivered over 75,000 SU7 cars.", [row("over 75,000 SU7 cars", 75_000.0, "cars", "min", "Xiaomi SU7")]),
    ("DeepSeek had access to roughly 50,000 Nvidia Hopper GPUs.",
     [row("roughly 50,000 Nvidia Hopper GPUs", 50_000.0, "GPUs", "approx", "DeepSeek")]),
    # an ordinal place is a rank
    ("Oppo had to settle for second place.", [row("second place", 2.0, "rank", subject="Oppo", measure="rank")]),
    ("Xiaomi took the 4th spot.", [row("4th spot", 4.0, "rank", subject="Xiaomi")]),
    ("Xiaomi shipped 8 million phones. The 30 percent drop pushed the company down the list.",
     [row("8 million phones", 8_000_000.0, "phones", subject="Xiaomi"), row("30 percent", -30.0, "percent", subject="Xiaomi")]),
]


@pytest.mark.parametrize(("text", "expected"), FACTS, ids=[t for t, _ in FACTS])
def test_facts(parse, text, expected):
    keys = tuple(dict.fromkeys(k for e in expected for k in e))
    assert rows_of(parse(text), keys) == [{k: e.get(k, "") for k in keys} for e in expected]


# ---------------------------------------------------------------- numbers that are not facts

NOT_FACTS = [
    "In 2019, Oppo opened a lab in Shenzhen.",  # a year
    "The show opens on 12 March 2020 at 10:30 a.m.",  # a date and a time
    "Honor 90 and the Mate 60 were discussed.",  # digits inside names
    "Korea leads in 5G and COVID-19 testing.",  # codes
    "Oppo released version 2.1 of its app.",  # a label
    "Call +86 21 5555 1234 for details.",  # a phone number
    "One of the firms said no one would leave.",  # the pronoun "one"
    "Lenovo became the earliest PC maker to try; it was the first such case.",  # an ordinal that is no rank
    "The two startups merged in the last three years.",  # a reference back and a time frame
    "Haier entered Europe some 20 to 25 years ago.",  # a time frame
    "Geely and Volvo formed a 50-50 joint venture.",  # a split, not a range
    "Haier doubled down on appliances.",  # an idiom
    "Lei Jun, 52, spoke on Monday.",  # an age tagged as a date, and a weekday
    "The 14th Five-Year Plan backs chips.",  # a number word inside a name
    "The festival on 11.11 is famous.",  # a bare decimal is no count
    "Kingsoft won the 2019-2020 award.",  # a span of years
    "Meitu leads in photo apps [12] and maps (3).",  # reference marks
    "Steps:\n1. Install the app.\n2. Sign in.",  # list numbering
    "Why did Lenovo buy the unit in the first place?",  # an idiom, not a rank
    "Kuaishou hopes to launch before the 2020 Chinese New Year.",  # a year before a holiday's name
    "PDD Holdings beat third-quarter revenue forecasts.",  # an ordinal period, not a rank
]


@pytest.mark.parametrize("text", NOT_FACTS)
def test_not_facts(parse, text):
    assert rows_of(parse(text), ("text", "value", "unit")) == []


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize(("text", "article_date", "expected"), [
    ("Sunny Optical raised $450M in a Series C round this week.", "2019-05-17", "2019-W20"),
    ("Transsion raised $450M last year.", "2019-05-17", "2018"),
    ("Xpeng delivered 11,524 vehicles in July.", "2022-08-25", "2022-07"),
    ("Xpeng expects to deliver 30,000 vehicles in the third quarter.", "2022-08-25", "2022-Q3"),
    ("In March 2017, Lenovo shipped 5 million PCs.", "", "2017-03"),
    ("In 2016 Legend Capital announced that it has 35 investments.", "", "2016"),
    ("Founded in 2010, Anta employs 14,000 people.", "", ""),
    ("Honor sold 3 million phones, up 10.9% from a year earlier.", "2020-05-01", ""),
    # a relative clause on the reporting subject dates the report
    ("The firm, which last year faced a probe, reported revenue of US$9 billion.", "2021-06-18", "2020"),
])
def test_period(parse, text, article_date, expected):
    periods = [r["period"] for r in metric_rows(parse(text, date=article_date))]
    assert periods and periods[0] == expected


@pytest.mark.parametrize(("text", "article_date", "expected"), [
    ("March 2017", None, "2017-03"),
    ("Q3 2019", None, "2019-Q3"),
    ("the third quarter of 2020", None, "2020-Q3"),
    ("March 5, 2021", None, "2021-03-05"),
    ("2017", None, "2017"),
    ("early 2000", None, "2000"),
    ("last year", date(2020, 5, 1), "2019"),
    ("this year", date(2020, 5, 1), "2020"),
    ("last month", date(2020, 1, 15), "2019-12"),
    ("last quarter", date(2020, 2, 1), "2019-Q4"),
    ("this week", date(2019, 5, 17), "2019-W20"),
    ("today", date(2019, 5, 17), "2019-05-17"),
    ("yesterday", date(2019, 5, 17), "2019-05-16"),
    ("July 10", date(2019, 8, 1), "2019-07-10"),
    ("September 21", date(2022, 8, 25), "2022-09-21"),
    ("February", date(2019, 11, 20), "2019-02"),
    ("Wednesday", date(2019, 7, 12), "2019-07-10"),
    ("the third quarter", date(2022, 8, 25), "2022-Q3"),
    ("last year", None, ""),
    ("recent years", date(2020, 5, 1), ""),
    ("the last six years", date(2020, 5, 1), ""),
])
def test_normalise_period(text, article_date, expected):
    assert normalise_period(text, article_date, load_cues()) == expected


# ---------------------------------------------------------------- one figure in two currencies

def test_two_currencies_share_a_group_and_a_check(parse):
    rows = metric_rows(parse("Li Auto's net revenue was RMB 45.3 billion, or US$6.6 billion, in 2022."))
    assert [(r["text"], r["unit"], r["subject"], r["measure"], r["period"]) for r in rows] == [
        ("RMB 45.3 billion", "CNY", "Li Auto", "net revenue", "2022"),
        ("US$6.6 billion", "USD", "Li Auto", "net revenue", "2022"),
    ]
    assert rows[0]["group_id"] and rows[0]["group_id"] == rows[1]["group_id"]
    assert rows[0]["check"] == rows[1]["check"]
    assert rows[0]["check"].startswith("ok 6.864 CNY/USD (ECB ")


def test_a_wrong_conversion_is_flagged(parse):
    rows = metric_rows(parse("In 2022, Li Auto's net revenue was RMB 45.3 billion, equivalent to US$4.1 billion."))
    assert rows[0]["check"].startswith("mismatch: implied 11.0 CNY/USD, ECB ")


def test_amounts_in_one_currency_or_apart_are_not_grouped(parse):
    rows = metric_rows(parse("Nio lost $1.2 billion and raised $2 billion. Later it spent RMB 3 billion."))
    assert [r["group_id"] for r in rows] == ["", "", ""]


# ---------------------------------------------------------------- offsets and the component

def test_text_is_the_original_span(parse):
    text = "Title line\n\nBy Jane Doe\n\nZTE ranked No. 4, with about 1.9 billion U.S. dollars in sales.\n"
    doc = parse(text)
    rows = metric_rows(doc)
    assert rows and all(text[r["start_char"]:r["end_char"]] == r["text"] for r in rows)


def test_corpus_rows_point_into_the_original_text(corpus_tables):
    from chinatech.corpus import load_articles

    from ..conftest import CORPUS

    originals = {a.doc_id: a.text for a in load_articles([CORPUS])}
    metrics = corpus_tables.metrics
    assert len(metrics)
    for r in metrics.to_dict("records"):
        assert originals[r["doc_id"]][r["start_char"]:r["end_char"]] == r["text"]
        assert r["unit"], r


def test_every_row_has_the_table_columns(parse):
    from chinatech.tables import SCHEMAS

    rows = metric_rows(parse("Transsion raised $450M.", doc_id="d1"))
    assert list(rows[0]) and set(rows[0]) == set(SCHEMAS["metrics"].names)
    assert rows[0]["doc_id"] == "d1" and rows[0]["sentence_id"] == 0


def test_factory_works_in_a_plain_spacy_pipeline():
    from chinatech.config import Settings
    from chinatech.pipeline import load_model

    nlp = load_model(Settings().model)  # the model alone: no chinatech entity spans
    nlp.add_pipe("chinatech_metrics", config={"check_currencies": False})
    doc = nlp("Sales rose 12%, or $3 million, equivalent to RMB 20 million.")
    assert [(r["text"], r["value"], r["check"]) for r in doc._.ct_metrics] == [
        ("12%", 12.0, ""), ("$3 million", 3_000_000.0, ""), ("RMB 20 million", 20_000_000.0, "")]


@pytest.mark.parametrize(("quantity", "expected"), [
    (Quantity(4.0, None, None, "percent", None), Quantity(-4.0, None, None, "percent", None)),
    (Quantity(None, 40.0, 60.0, "units", "approx"), Quantity(None, -60.0, -40.0, "units", "approx")),
])
def test_negate(quantity, expected):
    assert negate(quantity) == expected
