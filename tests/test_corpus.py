from __future__ import annotations

import pytest

from chinatech.corpus import RawText, clean, decode, iter_sources, load_articles, parse_date, repeated_lines
from chinatech.errors import InputError

from .conftest import CORPUS


def article(text: str, **kwargs):
    return clean(RawText("d", "d.txt", text), **kwargs)


def body_text(a) -> str:
    return " ".join(a.text[s:e] for s, e in a.body)


def test_title_byline_and_date_are_split_from_the_body():
    a = article("Big News Today\n\nPosted by Jane Doe on October 26, 2018\n\nAlibaba raised $1 billion. It grew.\n")
    assert (a.title, a.author, a.date) == ("Big News Today", "Jane Doe", "2018-10-26")
    assert body_text(a) == "Alibaba raised $1 billion. It grew."


def test_by_line_gives_the_author():
    a = article("A Headline\n\nBy Chanmo Seng\n\nA long first paragraph of the article that says a lot of things here.\n")
    assert a.author == "Chanmo Seng"
    assert a.date == ""


def test_running_text_first_line_is_not_a_title():
    a = article("Firms are copying ideas from China, according to a report by analysts.\n\nMore text follows here in a long paragraph of words.")
    assert a.title == ""


@pytest.mark.parametrize("line", [
    "- Advertisement -", "Leave a Reply", "Leave a comment", "This site uses Akismet to reduce spam.",
    "(Like us on Facebook and follow us on Twitter @newsdesk and on Instagram @newsdesk_en)",
    "Translated by Jo Bloggs (Editor at Example Media).",
    "[This article is published with authorization from the author @writer99, please credit the source.]",
])
def test_boilerplate_lines_are_dropped(line):
    text = f"Title Here\n\nThe first real paragraph of the article is long enough to count as text.\n\n{line}\n\nThe last real paragraph of the article is also long enough to count as text.\n"
    a = article(text)
    assert line.strip() not in body_text(a)
    assert a.boilerplate_lines >= 1


def test_author_credited_in_a_syndication_footer():
    a = article("Title Here\n\nA paragraph of real article text that is long enough to keep.\n\n[Republished with authorization from the author @Writer99; credit the source when quoting.]\n")
    assert a.author == "Writer99"


def test_short_tail_lines_are_furniture():
    a = article("Title\n\nA paragraph of real article text that is long enough to keep.\n\nOh! no\n")
    assert "Oh! no" not in body_text(a)


def test_lines_repeated_across_documents_are_boilerplate():
    shared = "Subscribe now for the daily tech digest"
    texts = [f"Story {i}\n\nA unique paragraph number {i} of text with enough words to count.\n\n{shared}\n\nAnother long closing paragraph {i} of the story with many words.\n" for i in range(3)]
    repeated = repeated_lines(texts)
    a = clean(RawText("x", "x", texts[0]), repeated=repeated)
    assert shared not in body_text(a)


def test_nlp_text_keeps_offsets():
    a = article("Title\n\nBy Jo Bloggs\n\nTencent’s WeChat has 1.3 billion users worldwide today.\n\n- Advertisement -\n\nMore of the article text goes here, long enough.\n")
    assert len(a.nlp_text) == len(a.text)
    for start, end in a.body:
        assert a.nlp_text[start:end] == a.text[start:end]
    assert "Advertisement" not in a.nlp_text


def test_decode_falls_back_with_a_warning_and_strips_bom():
    raw = decode("café".encode("cp1252") * 20, doc_id="x", source="x.txt")
    assert "café" in raw.text and raw.warnings
    assert decode("\ufeffhi\r\nthere".encode("utf-8"), doc_id="x", source="x").text == "hi\nthere"


@pytest.mark.parametrize("text,expected", [
    ("October 26, 2018", "2018-10-26"), ("26 Oct 2018", "2018-10-26"), ("2019-07-10", "2019-07-10"),
    ("Wednesday", ""), ("", ""),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_corpus_folder_is_expanded_sorted():
    found = [p.name for p in iter_sources([CORPUS])]
    assert found == sorted(found) and len(found) == 5


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(iter_sources([tmp_path / "nope"]))
    with pytest.raises(InputError, match="no .txt or .md"):
        list(iter_sources([tmp_path]))


def test_bad_files_are_skipped_with_warnings(tmp_path):
    (tmp_path / "good.txt").write_text("Title\n\nA paragraph of real text that is long enough to keep here.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    warnings = []
    docs = list(load_articles([tmp_path], warn=warnings.append))
    assert [d.doc_id for d in docs] == ["good"]
    assert sorted(w.split(":")[0].rsplit("/", 1)[-1] for w in warnings) == ["bin.txt", "empty.txt"]


def test_corpus_metadata():
    docs = {a.doc_id[:3]: a for a in load_articles([CORPUS])}
    assert docs["000"].author == "Michael Campbell" and docs["000"].date == "2018-10-26"
    assert docs["004"].author == "Chanmolika Seng"
    assert all(a.nlp_text[s:e] == a.text[s:e] for a in docs.values() for s, e in a.body)


def test_date_line_and_two_author_byline():
    article = clean(RawText("d", "d.txt", "A headline about chips\n\nBy Scott Murdoch and Donny Kwok\n\n"
                                     "23 October 2024\n\nShares rose on debut.\n"))
    assert (article.author, article.date) == ("Scott Murdoch and Donny Kwok", "2024-10-23")
    assert "23 October" not in article.nlp_text and "Shares rose" in article.nlp_text
