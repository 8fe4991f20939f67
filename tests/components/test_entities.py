"""Companies, products and people: one crafted text per rule, with the exact rows expected.

The texts use names of their own (fictional businesses, or gazetteer names that the bundled
corpus does not use), so that no rule is tested on the articles it is scored on.
"""

from __future__ import annotations

import pytest

from chinatech.components import entities, people


def companies(doc) -> dict[str, tuple]:
    """company -> (mentions, aliases, country, role)."""
    return {r["company"]: (r["mentions"], r["aliases"], r["country"], r["role"]) for r in entities.company_rows(doc)}


def products(doc) -> dict[str, str]:
    """product -> maker."""
    return {r["product"]: r["maker"] for r in entities.product_rows(doc)}


def persons(doc) -> dict[str, tuple]:
    """person -> (role, organization, mentions)."""
    return {r["person"]: (r["role"], r["organization"], r["mentions"]) for r in entities.people_rows(doc)}


# -- companies ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # gazetteer names, in their own casing and lower-cased
    ("NetEase and Bilibili reported higher revenue in the third quarter.",
     {"NetEase": (1, "NetEase", "CN", "subject"), "Bilibili": (1, "Bilibili", "CN", "subject")}),
    ("Analysts compared netease with bilibili on user growth.",
     {"NetEase": (1, "netease", "CN", "subject"), "Bilibili": (1, "bilibili", "CN", "subject")}),
    # one row per company, mentions over every surface form
    ("NIO delivered 10,000 cars in May. Nio Inc. said deliveries would rise.",
     {"NIO": (2, "NIO;Nio Inc.", "CN", "subject")}),
    # a name written without its space
    ("Investors compared LiAuto with its rivals.", {"Li Auto": (1, "LiAuto", "CN", "subject")}),
    # an article that uses only a former name keeps it
    ("NextEV unveiled its first car in Shanghai.", {"NextEV": (1, "NextEV", "CN", "subject")}),
    # a corporate suffix
    ("Shares of Lumora Technologies jumped after the listing.",
     {"Lumora Technologies": (1, "Lumora Technologies", "", "subject")}),
    # a business noun before the name, with the country from the nationality
    ("Vietnamese food-delivery company Giaohang raised $50 million on Monday.",
     {"Giaohang": (1, "Giaohang", "VN", "subject")}),
    # an appositive after the name
    ("Kestrel, a Hangzhou-based startup, raised $5 million from local investors.",
     {"Kestrel": (1, "Kestrel", "CN", "subject")}),
    # "X-backed Y" and "which makes"
    ("The round was led by NIO-backed Zhuoyu, which makes lidar sensors.",
     {"NIO": (1, "NIO", "CN", "subject"), "Zhuoyu": (1, "Zhuoyu", "", "subject")}),
    # the subject of a business verb
    ("Zhuoyi raised $30 million last week.", {"Zhuoyi": (1, "Zhuoyi", "", "subject")}),
    # the object of one
    ("Geely acquired Orvel in 2020.", {"Geely": (1, "Geely", "CN", "subject"), "Orvel": (1, "Orvel", "", "subject")}),
    # items of a list of examples
    ("Investors such as Redpine Capital and Orvel joined the round.",
     {"Redpine Capital": (1, "Redpine Capital", "", "subject"), "Orvel": (1, "Orvel", "", "subject")}),
    # a short form repeats the name found with its suffix
    ("Kunxin Semiconductor taped out a chip. Kunxin plans to hire 200 engineers.",
     {"Kunxin Semiconductor": (2, "Kunxin Semiconductor;Kunxin", "", "subject")}),
    # a title names the employer
    ("Zhou Wei, founder of Kestrel Robotics, spoke on Monday.",
     {"Kestrel Robotics": (1, "Kestrel Robotics", "", "subject")}),
    # a known name repeated by its first word
    ("Qiming Venture Partners led the round. Qiming has backed 30 unicorns.",
     {"Qiming Venture Partners": (2, "Qiming Venture Partners;Qiming", "CN", "subject")}),
    # "X, the company said" starts a clause: no appositive there
    ("According to a report by Orbis Data, the company will expand abroad.",
     {"Orbis Data": (1, "Orbis Data", "", "source")}),
])
def test_companies(parse, text, expected):
    assert companies(parse(text)) == expected


@pytest.mark.parametrize("text", [
    # technology acronyms, places, public bodies, sentence-initial capitals
    "IoT and 5G will reshape the industry, and AI startups in Shenzhen raised money.",
    "The Ministry of Commerce announced new export rules on Friday.",
    "China launched a new policy to support chipmakers.",
    "Analysts expect growth to slow. Investors remain cautious.",
    # a title-case heading says nothing by its capitals
    "Why Local Players Keep Winning The Market\n\nBuyers in Chengdu compare prices.",
])
def test_not_companies(parse, text):
    doc = parse(text)
    assert companies(doc) == {} and products(doc) == {}


@pytest.mark.parametrize("text, expected", [
    # report titles and cited outlets are sources
    ("The Global Fintech Survey 2023 found that mobile payments kept growing, according to Quanta Insights.",
     {"Global Fintech Survey 2023": (1, "Global Fintech Survey 2023", "", "source"),
      "Quanta Insights": (1, "Quanta Insights", "", "source")}),
    ("Market research firm Orbis Data expects shipments to fall.",
     {"Orbis Data": (1, "Orbis Data", "", "source")}),
    ("The Asia Mobile Report 2021 said usage doubled. The Asia Mobile Report also ranked apps.",
     {"Asia Mobile Report 2021": (2, "Asia Mobile Report 2021;Asia Mobile Report", "", "source")}),
    # a known publisher, and its short form after "the"
    ("The Wall Street Journal reported the deal. A source told the Journal that talks continue.",
     {"Wall Street Journal": (2, "The Wall Street Journal;Journal", "US", "source")}),
])
def test_sources(parse, text, expected):
    assert companies(parse(text)) == expected


# -- products -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # a company's possessive
    ("NetEase's Lofter grew quickly last year.", {"Lofter": "NetEase"}),
    # an appositive with its maker
    ("Youpai, a photo app by Chinese company Meitu, added filters.", {"Youpai": "Meitu"}),
    ("Qiaoke, the music app built by Bilibili, is popular with students.", {"Qiaoke": "Bilibili"}),
    # the object of a launch verb
    ("Geely launched Aurora X1 in March.", {"Aurora X1": "Geely"}),
    # a product noun after the name, its maker through "its"
    ("Orvel Labs said its Hoppa app has ten million users.", {"Hoppa": "Orvel Labs"}),
    # a known name grown into a longer one
    ("The Zeekr Nova sold well in its first month.", {"Zeekr Nova": "Zeekr"}),
    # the article's own owner beats the gazetteer's maker
    ("Geely's Zeekr 001 is a popular electric car.", {"Zeekr 001": "Geely"}),
    # a list of products whose owner is the clause's subject
    ("NetEase has launched several music apps, including Yinlu Beats and Lanyin.",
     {"Yinlu Beats": "NetEase", "Lanyin": "NetEase"}),
    # "the company" is the business the article is about
    ("NetEase reported strong sales. Geely was mentioned once. The company will launch Lanyin next month.",
     {"Lanyin": "NetEase"}),
    # the gazetteer's maker is a unit the article never names: its named parent makes it
    ("Xiaomi delivered more than 20,000 SU7 cars in October.", {"Xiaomi SU7": "Xiaomi"}),
    # one row for a product written with and without its maker's name
    ("Oppo unveiled the Oppo Find N3 in Beijing. Reviewers praised the Find N3 phone.", {"Oppo Find N3": "Oppo"}),
])
def test_products(parse, text, expected):
    assert products(parse(text)) == expected


@pytest.mark.parametrize("text, company, product", [
    # a name that is both: a product noun makes the product, anything else the company
    ("The Zhihu app added a video feed.", {}, {"Zhihu": "Zhihu"}),
    ("Zhihu raised $100 million from investors.", {"Zhihu": (1, "Zhihu", "CN", "subject")}, {}),
    ("The video app Bilibili is popular with students.", {}, {"Bilibili": "Bilibili"}),
    ("Clips posted on Bilibili went viral last week.", {}, {"Bilibili": "Bilibili"}),
    # a product's name used for its company
    ("NetEase Cloud Music's IPO raised $400 million.", {"NetEase": (1, "NetEase Cloud Music", "CN", "subject")}, {}),
])
def test_product_or_company(parse, text, company, product):
    doc = parse(text)
    assert (companies(doc), products(doc)) == (company, product)


# -- people -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # a title before the name, and the family name later (Chinese order)
    ("Geely chief executive Wang Anning said sales rose. Wang expects growth to continue.",
     {"Wang Anning": ("chief executive", "Geely", 2)}),
    # an appositive title with its organisation, and the surname by possessive later
    ("Jane Roe, managing partner at Redpine Capital, said the deal was fair. Redpine Capital's Roe has backed ten startups.",
     {"Jane Roe": ("managing partner", "Redpine Capital", 2)}),
    # a hyphenated given name
    ("Wong Ka-wai, an analyst at Jefferies, said the stock was cheap.", {"Wong Ka-wai": ("analyst", "Jefferies", 1)}),
    # "who founded", and "the company's" pointing back
    ("Zhang San, who founded Orvel Labs in 2015, stepped down. Li Si, the company's chief executive, took over.",
     {"Zhang San": ("founder", "Orvel Labs", 1), "Li Si": ("chief executive", "Orvel Labs", 1)}),
    # "X of Y" gives the organisation only
    ("Experts such as Ma Lin of Redpine Capital disagree.", {"Ma Lin": ("", "Redpine Capital", 1)}),
    # one person whichever order the name is written in
    ("Wang Lixia founded Orvel Labs. Later, Lixia Wang said she would step down.", {"Wang Lixia": ("", "", 2)}),
    # a lone surname without a full name before it is no one
    ("Biden said the rules would change.", {}),
    # a byline
    ("A new era for chips\n\nBy Jane Roe\n\nChipmakers in Shenzhen are hiring.", {"Jane Roe": ("author", "", 1)}),
    # lower-case particles inside a name; a title-case heading line is no one
    ("Then, EC President Ursula von der Leyen claimed the prices were distorted.",
     {"Ursula von der Leyen": ("President", "", 1)}),
    ("Key Stakeholders\n\nThe fund is backed by five banks.", {}),
    # an index is no person
    ("The benchmark Hang Seng Index fell 1.1% on Thursday.", {}),
    # a news agency's byline is no person
    ("A new era for chips\n\nBy Indo-Asian News Service\n\nChipmakers in Shenzhen are hiring.", {}),
    # a noun that fits people and firms alike leaves a person's name a person
    ("We have contacted Yang Zhilin, the AI researcher who founded Orvel Labs, for comment.",
     {"Yang Zhilin": ("AI researcher", "", 1)}),
    # a description before the name, with an article or a nationality and a comma
    ("Shoppers queued to meet the singer Jane Roe at the mall.", {"Jane Roe": ("singer", "", 1)}),
    ("Indian venture capitalist, Priya Nair, backed the startup.", {"Priya Nair": ("venture capitalist", "", 1)}),
    ("Fans praised the social media personality Kim Dalton and the magician Sam Lee.",
     {"Kim Dalton": ("social media personality", "", 1), "Sam Lee": ("magician", "", 1)}),
    # an object relative is no description: the report is not Michael Grant's role
    ("The report Michael Grant wrote was widely read.", {"Michael Grant": ("", "", 1)}),
    # apostrophes inside a name, straight or curly, even where the NER misses the name
    ("Sean O’Brien, an analyst at Jefferies, said the stock was cheap.", {"Sean O’Brien": ("analyst", "Jefferies", 1)}),
    ("Sean O'Brien, an analyst at Jefferies, said the stock was cheap.", {"Sean O'Brien": ("analyst", "Jefferies", 1)}),
    ("Viewers loved clips from the blogger Rita D’Souza last year.", {"Rita D’Souza": ("blogger", "", 1)}),
])
def test_people(parse, text, expected):
    assert persons(parse(text)) == expected


def test_two_authors_of_a_byline_are_two_people(parse):
    doc = parse("Chip shares rally\n\nBy Scott Murdoch and Donny Kwok\n\nShares rose on debut.\n")
    assert persons(doc) == {"Scott Murdoch": ("author", "", 1), "Donny Kwok": ("author", "", 1)}


def test_a_known_phrase_cut_at_its_apostrophe_is_no_name(parse):
    doc = parse("Alibaba has by and large dominated Singles' Day sales, which has annoyed rivals.")
    assert companies(doc) == {"Alibaba": companies(doc)["Alibaba"]} and products(doc) == {}


def test_model_codes_in_the_plural_and_the_maker_named_in_them(parse):
    doc = parse("DeepSeek trained the model on 512 Nvidia H800 chips, then on more Nvidia H800s and 10,000 H100s.")
    assert products(doc) == {"Nvidia H800": "Nvidia", "Nvidia H100": "Nvidia"}
    assert companies(doc)["Nvidia"][0] == 2


def test_part_of_a_public_body_is_no_product(parse):
    doc = parse("Firms may not reward daily logins, according to the draft rules released by "
                "the National Press and Publication Administration.")
    assert products(doc) == {} and companies(doc) == {}


def test_person_described_as_researcher_is_no_company(parse):
    doc = parse("We have contacted Yang Zhilin, the AI researcher who founded Orvel Labs, for comment.")
    assert "Yang Zhilin" not in companies(doc)


def test_person_tagged_business_is_not_a_person(parse):
    doc = parse("Rival Starcharge, which is backed by Geely, is weighing a listing.")
    assert persons(doc) == {} and "Starcharge" in companies(doc)


# -- the span-group contract --------------------------------------------------------------

def test_span_groups_carry_canonical_names(parse):
    doc = parse("Geely chief executive Wang Anning said Nio Inc. and NetEase's Lofter grew.")
    assert {(s.text, s.label_, s.kb_id_) for s in doc.spans["ct_companies"]} == {
        ("Geely", "company", "Geely"), ("Nio Inc.", "company", "NIO"), ("NetEase", "company", "NetEase")}
    assert [(s.text, s.kb_id_) for s in doc.spans["ct_products"]] == [("Lofter", "Lofter")]
    assert [(s.text, s.kb_id_) for s in doc.spans["ct_people"]] == [("Wang Anning", "Wang Anning")]
    assert doc._.ct_makers == {"Lofter": "NetEase"}
    assert doc._.ct_people_info == {"Wang Anning": {"role": "chief executive", "organization": "Geely"}}


# -- pure helpers -------------------------------------------------------------------------

@pytest.mark.parametrize("word, spaced", [("LiAuto", "Li Auto"), ("ZeekrAutoGroup", "Zeekr Auto Group"), ("Geely", ""), ("iQiyi", ""), ("NIO", "")])
def test_camel_split(word, spaced):
    assert entities.camel_split(word) == spaced


@pytest.mark.parametrize("text, bare", [("Geely's", "Geely"), ("Geely’s", "Geely"), ("Geely", "Geely")])
def test_bare(text, bare):
    assert entities.bare(text) == bare


@pytest.mark.parametrize("name, parts", [("Jane Roe", ("Roe", "Jane")), ("Wong Ka-wai", ("Ka-wai", "Wong"))])
def test_name_parts(name, parts):
    assert people.name_parts(name) == parts


def test_former_names_include_user_entries():
    found = entities.former_names([{"name": "Orvel", "former_names": ["Orvel Labs"]}])
    assert found["Orvel"] == ("Orvel Labs",) and "NextEV" in found["NIO"]
