from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"


@pytest.fixture(autouse=True)
def _isolated_user_state(tmp_path_factory, monkeypatch):
    """Keep the user's cache and colours out of tests: output must not depend on them."""
    monkeypatch.setenv("CHINATECH_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline, built once per session."""
    from chinatech.config import Settings
    from chinatech.pipeline import shared_nlp

    return shared_nlp(Settings())


@pytest.fixture(scope="session")
def corpus_tables():
    """Every table extracted from the bundled corpus, once per session."""
    from chinatech.config import Settings
    from chinatech.extraction import extract

    return extract([CORPUS], settings=Settings())


@pytest.fixture
def parse(nlp):
    """Run the real pipeline over a short crafted text."""
    from chinatech.corpus import RawText, clean
    from chinatech.pipeline import make_doc

    def run(text: str, doc_id: str = "t", date: str = ""):
        article = clean(RawText(doc_id, doc_id, text))
        doc = make_doc(nlp, article)
        if date:
            doc._.ct_meta["date"] = date
        return nlp(doc)

    return run
