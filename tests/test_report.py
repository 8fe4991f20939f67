"""The batch report: contents, escaping, no external loads, determinism, and a real browser."""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from chinatech.report import build_report, render_html, render_markdown, write_report
from chinatech.tables import TABLES, empty, to_frame

SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
EXTERNAL = re.compile(r"""\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def report_dir(corpus_tables, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report(corpus_tables, out)
    return out


@pytest.fixture(scope="module")
def page(report_dir) -> str:
    return (report_dir / "report.html").read_text(encoding="utf-8")


def hostile_tables() -> dict[str, pd.DataFrame]:
    """A one-article corpus whose every text field tries to break out of the page."""
    evil = '<script>alert("x")</script><img src="https://evil.example/x.png"> & $5 | *b* _i_'
    doc = "d1"
    return {
        "documents": to_frame("documents", [{"doc_id": doc, "title": evil, "author": "A <b>B</b>", "date": "2024-01-02",
                                             "words": 12, "sentences": 1, "boilerplate_lines": 0, "source": "x.txt"}]),
        "companies": to_frame("companies", [{"doc_id": doc, "company": evil, "mentions": 2, "aliases": evil,
                                             "country": "CN", "first_char": 0, "role": "subject", "sector": "ai"}]),
        "products": empty("products"),
        "people": empty("people"),
        "metrics": to_frame("metrics", [{"doc_id": doc, "sentence_id": 0, "text": "$5M <i>", "value": 5e6,
                                         "unit": "USD", "subject": evil, "start_char": 1, "end_char": 4}]),
        "trends": to_frame("trends", [{"doc_id": doc, "trend": evil, "mentions": 1, "terms": evil,
                                       "category": "x", "source": "taxonomy", "first_sentence_id": 0}]),
        "claims": to_frame("claims", [{"doc_id": doc, "sentence_id": 0, "text": evil, "attributed_to": evil,
                                       "hedged": True, "start_char": 0, "end_char": 5, "score": 1.0}]),
    }


# -- contents --------------------------------------------------------------------------------

def test_writes_html_markdown_and_chart_files(report_dir):
    names = sorted(p.name for p in report_dir.iterdir())
    assert names == ["report-company-mentions.svg", "report-metrics-by-subject.svg", "report-trend-heatmap.svg",
                     "report.html", "report.md"]


@pytest.mark.parametrize("formats, expected", [
    (("html",), ["report.html"]),
    (("md",), ["report-company-mentions.svg", "report-metrics-by-subject.svg", "report-trend-heatmap.svg", "report.md"]),
])
def test_formats_choose_the_files(corpus_tables, tmp_path, formats, expected):
    written = write_report(corpus_tables, tmp_path, formats=formats)
    assert sorted(p.name for p in written) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == expected


def test_unknown_format_is_refused(corpus_tables, tmp_path):
    with pytest.raises(ValueError, match="pdf"):
        write_report(corpus_tables, tmp_path, formats=("pdf",))


def test_html_has_every_section_and_chart(page):
    for section in ("overview", "companies", "trends", "metrics", "digests"):
        assert f'<section id="{section}">' in page
    for chart in ("company-mentions", "trend-heatmap", "metrics-by-subject"):
        assert re.search(rf'<figure class="chart" id="chart-{chart}">.*?<svg\b.*?</svg>', page, re.S)


def test_overview_counts_documents_and_words(corpus_tables, page):
    documents = corpus_tables.documents
    words = f"{int(documents['words'].sum()):,}"
    assert f"<p class=\"lede\">{len(documents)} documents · " in page
    assert f"{words} words</p>" in page
    dated = sorted(d for d in documents["date"].dropna() if d)
    assert dated[0] in page


def test_one_digest_per_document_with_its_top_claims(corpus_tables, page):
    documents = corpus_tables.documents
    digests = re.findall(r'<article class="digest" id="doc-(\d+)">(.*?)</article>', page, re.S)
    assert [int(n) for n, _ in digests] == list(range(1, len(documents) + 1))
    claims = corpus_tables.claims
    for (_, body), doc_id in zip(digests, documents["doc_id"]):
        for heading in ("Top companies", "Key metrics", "Top claims"):
            assert f"<h4>{heading}</h4>" in body
        mine = claims[claims["doc_id"] == doc_id].sort_values(["score", "start_char"], ascending=[False, True])
        shown = re.findall(r'<li class="claim"><blockquote>(.*?)</blockquote>', body, re.S)
        assert len(shown) == min(3, len(mine))
        assert shown[0] == render_escape(mine["text"].iloc[0])


def render_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_claims_carry_their_attribution(page):
    # The corpus quotes named people; their names follow the claim.
    assert re.search(r'</blockquote><span class="by">— [A-Z][a-z]+ [A-Z]', page)
    assert '<span class="by">— the author</span>' in page


def test_corpus_tables_rank_companies_and_trends(corpus_tables):
    report = build_report(corpus_tables)
    companies = corpus_tables.companies
    mentions = companies.groupby("company")["mentions"].sum()
    assert report.companies["mentions"].iloc[0] == mentions.max()
    assert report.companies["mentions"].is_monotonic_decreasing
    documents = corpus_tables.trends.groupby("trend")["doc_id"].nunique()
    assert report.trends["documents"].iloc[0] == documents.max()
    assert report.metrics["metrics"].sum() == len(corpus_tables.metrics)


def test_key_metrics_leave_out_bare_small_numbers():
    from chinatech.report import key_metrics

    metrics = [
        {"doc_id": "d", "text": "one", "value": 1.0, "start_char": 0},
        {"doc_id": "d", "text": "167 million", "value": 167e6, "start_char": 30},
        {"doc_id": "d", "text": "23.8%", "value": 23.8, "unit": "percent", "start_char": 20},
        {"doc_id": "d", "text": "$172M", "value": 172e6, "unit": "USD", "start_char": 10},
    ]
    assert [m["text"] for m in key_metrics(metrics)] == ["$172M", "23.8%", "167 million"]


@pytest.mark.parametrize("metric, expected", [
    ({"value": 172e6, "unit": "USD"}, "USD 172M"),
    ({"value": 23.8, "unit": "percent"}, "23.8%"),
    ({"value_min": 10.0, "value_max": 15.0, "unit": "years"}, "10–15 years"),
    ({"value": 21.1e9, "unit": "CNY"}, "CNY 21.1B"),
    ({"value": 2.0, "unit": "rank"}, "rank 2"),
    ({"value": 4500.0, "unit": ""}, "4,500"),
])
def test_format_metric(metric, expected):
    from chinatech.report import format_metric

    assert format_metric(metric) == expected


def test_markdown_has_sections_digests_and_chart_links(corpus_tables, report_dir):
    text = (report_dir / "report.md").read_text(encoding="utf-8")
    for heading in ("## Overview", "## Companies", "## Trends", "## Metrics", "## Article digests"):
        assert f"\n{heading}\n" in text
    assert len(re.findall(r"^### #\d+ ", text, re.M)) == len(corpus_tables.documents)
    for chart in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (report_dir / chart).read_text(encoding="utf-8").lstrip().startswith("<?xml")
    # GitHub tables: every row of a table has as many cells as its header.
    for block in re.findall(r"((?:^\|.*\|\n)+)", text, re.M):
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in block.splitlines()}
        assert len(widths) == 1, block


def test_missing_tables_make_an_empty_report(tmp_path):
    written = write_report({"documents": empty("documents")}, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No companies found." in page and "<svg" not in page
    assert [p.name for p in written] == ["report.html", "report.md"]


# -- safety ------------------------------------------------------------------------------------

def test_article_text_is_escaped_in_html():
    page = render_html(build_report(hostile_tables()))
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "<b>B</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert not EXTERNAL.search(page)


def test_article_text_is_escaped_in_markdown():
    text = render_markdown(build_report(hostile_tables()))
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "\\*b\\*" in text and "\\_i\\_" in text and "\\|" in text
    assert "\\$5" in text and " $" not in text


def test_html_loads_nothing_from_outside(page):
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    # No URL in any tag, not even the SVG namespaces; article text may quote one, as text.
    markup = re.sub(r">[^<]*<", "><", page)
    assert "http:" not in markup and "https:" not in markup
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(?!#)", page)  # only url(#id) references inside the SVGs
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#x27;none&#x27;" in page


def test_chart_svgs_have_unique_ids(page):
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


# -- determinism and speed -----------------------------------------------------------------------

def test_same_tables_give_the_same_bytes(corpus_tables, report_dir, tmp_path):
    write_report(corpus_tables, tmp_path)
    for path in sorted(report_dir.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_report_is_fast(corpus_tables, tmp_path):
    start = time.perf_counter()
    write_report(corpus_tables, tmp_path)
    assert time.perf_counter() - start < 3


# -- a real browser -------------------------------------------------------------------------------

def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("the browser test needs Chromium: install Debian's package with "
                    "`apt-get install -y chromium` (.ci/run does this when it is missing), "
                    "or point CHROMIUM at a chromium binary")
    return found


class Browser:
    """Just enough of the Chrome DevTools protocol, over --remote-debugging-pipe (no extra packages).

    Headless windows are at least 500 px wide, so a phone's 390 px needs device-metrics emulation,
    which only the protocol offers; it also reports console errors as events.
    """

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds():  # the protocol's fixed descriptors: the browser reads fd 3 and writes fd 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
             "--hide-scrollbars", "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            # 3 and 4 listed too, or the close-other-descriptors step would undo the dup2s.
            preexec_fn=fds, pass_fds=(3, 4, to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, timeout: float = 30) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = self._read_until(lambda m: m.get("id") == self._next_id, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str, *, after: int = 0, timeout: float = 30) -> dict:
        """The first `method` event among those from index `after` on (earlier ones belong to an older page)."""
        for event in self.events[after:]:
            if event.get("method") == method:
                return event
        return self._read_until(lambda m: m.get("method") == method, timeout)

    def _read_until(self, done, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if done(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                raise TimeoutError("Chromium did not answer over the DevTools pipe")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def close(self) -> None:
        try:
            os.write(self._to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)


SETTLED = """document.fonts.ready.then(() => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""

MEASURE = """JSON.stringify({
  charts: Array.from(document.querySelectorAll("figure.chart")).map(f => {
    const box = f.querySelector("svg").getBoundingClientRect();
    return {id: f.id, width: box.width, height: box.height, texts: f.querySelectorAll("svg text").length};
  }),
  viewport: window.innerWidth,
  pageWidth: document.documentElement.scrollWidth,
  digests: document.querySelectorAll("article.digest").length,
  fontSize: parseFloat(getComputedStyle(document.body).fontSize),
})"""


def render_in_chromium(html_file: Path, screenshot: Path, *, width: int, height: int, profile: Path) -> dict:
    """Open the page at a device width; return what it measured and every console error."""
    browser = Browser(chromium_path(), profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=session)
        # about:blank's own load event may already be queued; only one after the navigation counts,
        # and measuring waits for web fonts and two frames so layout has settled.
        seen = len(browser.events)
        browser.send("Page.navigate", {"url": html_file.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired", after=seen)
        browser.send("Runtime.evaluate", {"expression": SETTLED, "awaitPromise": True}, session=session)
        measured = json.loads(browser.send("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True},
                                           session=session)["result"]["value"])
        content = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(content["height"], 16000), "scale": 1},
        }, session=session)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        measured["errors"] = console_errors(browser.events)
        return measured
    finally:
        browser.close()


def console_errors(events: list[dict]) -> list[str]:
    errors = []
    for event in events:
        params = event.get("params", {})
        if event["method"] == "Runtime.exceptionThrown":
            errors.append(params["exceptionDetails"].get("text", "exception"))
        elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif event["method"] == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text", ""))
    return errors


@pytest.mark.parametrize("device, width, height", [("laptop", 1280, 800), ("phone", 390, 844)])
def test_report_renders_in_chromium(corpus_tables, report_dir, tmp_path, device, width, height):
    screenshot = SCREENSHOTS / f"report-{device}.png"
    measured = render_in_chromium(report_dir / "report.html", screenshot, width=width, height=height,
                                  profile=tmp_path / "profile")
    assert measured["errors"] == []
    assert measured["viewport"] == width
    assert [c["id"] for c in measured["charts"]] == [
        "chart-company-mentions", "chart-trend-heatmap", "chart-metrics-by-subject"]
    for chart in measured["charts"]:
        assert chart["width"] > 0 and chart["height"] > 0, chart
        assert chart["width"] <= width, chart
        assert chart["texts"] > 0, chart
    # Wide tables scroll inside their box; the page itself never scrolls sideways.
    assert measured["pageWidth"] <= width, measured
    assert measured["digests"] == len(corpus_tables.documents)
    assert screenshot.stat().st_size > 10_000


def test_browser_reports_an_external_load(tmp_path):
    """The browser check itself works: a page that reaches out is caught."""
    page = render_html(build_report({t: empty(t) for t in TABLES}))
    bad = tmp_path / "bad.html"
    bad.write_text(page.replace("</main>", '<img src="https://example.invalid/x.png"></main>'), encoding="utf-8")
    measured = render_in_chromium(bad, tmp_path / "bad.png", width=800, height=600, profile=tmp_path / "profile")
    assert any("Content Security Policy" in e for e in measured["errors"]), measured["errors"]
