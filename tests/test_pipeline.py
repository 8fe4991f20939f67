"""The pipeline is built once per process per knowledge, and reused by every extract() call."""

from dataclasses import replace

from chinatech.config import Settings
from chinatech.extraction import extract
from chinatech.pipeline import chunks, shared_nlp


def test_shared_pipeline_is_reused_across_batch_and_process_settings():
    base = Settings(cache=False)
    assert shared_nlp(base) is shared_nlp(replace(base, batch_size=4, n_process=2))


def test_user_knowledge_gets_its_own_pipeline():
    base = Settings(cache=False)
    extra = replace(base, companies=[{"name": "Quillfeather Robotics"}])
    nlp = shared_nlp(extra)
    assert nlp is not shared_nlp(base)
    assert "chinatech_entities" in nlp.pipe_names


def test_extract_uses_the_shared_pipeline(tmp_path, monkeypatch):
    import chinatech.pipeline as pipeline

    settings = Settings(cache=False, companies=[{"name": "Quillfeather Robotics"}])
    shared_nlp(settings)
    monkeypatch.setattr(pipeline, "build_nlp", lambda s: (_ for _ in ()).throw(AssertionError("rebuilt")))
    article = tmp_path / "a.txt"
    article.write_text("Quillfeather Robotics raised $20 million.\n", encoding="utf-8")
    tables = extract([article], settings=settings)
    assert tables.companies["company"].tolist() == ["Quillfeather Robotics"]


def test_chunks_cut_at_line_breaks_and_cover_the_text():
    text = "a" * 30 + "\n" + "b" * 30 + "\n" + "c" * 10
    pieces = chunks(text, 40)
    assert pieces == [(0, 31), (31, 62), (62, 72)]
    assert "".join(text[s:e] for s, e in pieces) == text
