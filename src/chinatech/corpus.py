"""Find input files, decode them, split title/byline/date/body, drop boilerplate, keep offsets.

Offsets are the contract: an Article keeps the decoded text, and `nlp_text` is that text with
everything that is not article body blanked out by spaces, so every character offset a spaCy
token has is an offset into the original text.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator


from .errors import InputError
from .knowledge import read_data

SUFFIXES = (".txt", ".md")
STDIN = "-"
# Lines shorter than this many words at the end of a text, with no long line after them,
# are page furniture (author blurbs, widget labels), not the article's last paragraph.
TAIL_WORDS = 8


@dataclass(frozen=True)
class Article:
    """One input text with its metadata and the character ranges that are article body."""

    doc_id: str
    source: str
    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    body: tuple[tuple[int, int], ...] = ()
    boilerplate_lines: int = 0
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def nlp_text(self) -> str:
        """The text with non-body characters blanked, same length as `text`."""
        chars = [c if c == "\n" else " " for c in self.text]
        for start, end in self.body:
            chars[start:end] = self.text[start:end]
        return "".join(chars)

    @property
    def text_hash(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RawText:
    doc_id: str
    source: str
    text: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Patterns:
    boilerplate: tuple[re.Pattern, ...]
    bylines: tuple[re.Pattern, ...]
    author_credits: tuple[re.Pattern, ...]
    date_lines: tuple[re.Pattern, ...] = ()


@lru_cache(maxsize=8)
def load_patterns(extra: tuple[str, ...] = ()) -> Patterns:
    """Compile the boilerplate and byline patterns shipped in data/, plus the user's."""
    data = read_data("boilerplate.yaml")
    flags = re.IGNORECASE
    return Patterns(
        boilerplate=tuple(re.compile(p, flags) for p in [*data["patterns"], *extra]),
        # Bylines are matched case-sensitively after the keyword, so "By" + capitalised names only.
        bylines=tuple(re.compile(p) for p in data["bylines"]),
        author_credits=tuple(re.compile(p, flags) for p in data["author_credits"]),
        date_lines=tuple(re.compile(p, flags) for p in data.get("date_lines") or ()),
    )


# -- finding and decoding ---------------------------------------------------------------

def iter_sources(paths: Iterable[str | Path], *, warn: Callable[[str], None] | None = None) -> Iterator[str | Path]:
    """Expand folders into their .txt/.md files (sorted), keep files and '-' as given.

    A path that cannot be used is named in a warning and skipped, so one bad argument does
    not cost the rest of the run; without `warn` it raises InputError instead.
    """
    for raw in paths:
        if str(raw) == STDIN:
            yield STDIN
            continue
        problem = _path_problem(Path(raw))
        if problem:
            _fail(f"{raw}: {problem}", warn)
        elif Path(raw).is_dir():
            found = _folder_files(Path(raw))
            if not found:
                _fail(f"{raw}: no .txt or .md files in this folder", warn)
            yield from found
        else:
            yield Path(raw)


def _fail(message: str, warn: Callable[[str], None] | None) -> None:
    if warn is None:
        raise InputError(message)
    warn(message + ", skipped")


def _path_problem(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        return "no such file or folder"
    except (OSError, RuntimeError) as exc:
        # ELOOP (3.13+) or RuntimeError (older Pythons): a symlink that points back at itself.
        return "symlink loop" if "loop" in str(exc).lower() or getattr(exc, "errno", None) == 40 else str(exc)
    return ""


def _folder_files(folder: Path) -> list[Path]:
    """Files below a folder; symlinked folders are not followed, so a link loop cannot recurse."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in files:
            path = Path(root) / name
            if path.suffix.lower() in SUFFIXES:
                found.append(path)
    return sorted(found)


def read_source(source: str | Path, *, stdin=None) -> RawText:
    """Read one source into text, with warnings for anything that needed a fallback."""
    if source == STDIN:
        data = (stdin or sys.stdin.buffer).read()
        return decode(data, doc_id="stdin", source="<stdin>")
    path = Path(source)
    data = path.read_bytes()
    return decode(data, doc_id=path.stem, source=str(path))


def decode(data: bytes, *, doc_id: str, source: str) -> RawText:
    """Decode bytes as UTF-8 (BOM dropped), else as the detected encoding with a warning."""
    warnings: list[str] = []
    try:
        text = data.decode("utf-16") if data.startswith(UTF16_BOMS) else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, encoding = _decode_fallback(data)
        warnings.append(f"{source}: not UTF-8, decoded as {encoding}")
    # Offsets are defined on text with Unix newlines, the form every tool downstream expects.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawText(doc_id=doc_id, source=source, text=text, warnings=tuple(warnings))


MULTIBYTE = ("gb", "big5", "shift_jis", "euc", "utf_16", "utf_32", "iso2022", "cp949", "cp932", "hz")


def _decode_fallback(data: bytes) -> tuple[str, str]:
    """A detected multi-byte encoding (GBK, Big5, ...) when there is one, else Windows-1252.

    Detectors cannot tell single-byte Latin code pages apart on short English text; for
    English articles Windows-1252 is by far the likeliest of them.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and best.encoding.startswith(MULTIBYTE):
        return str(best), best.encoding
    return data.decode("cp1252", errors="replace"), "cp1252"


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first block marks a file that is not text (UTF-16 with a BOM aside)."""
    return not data.startswith(UTF16_BOMS) and b"\x00" in data[:8192]


# -- cleaning ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def words(self) -> int:
        return len(self.stripped.split())


def split_lines(text: str) -> list[Line]:
    """Lines with their offsets into `text` (the newline excluded)."""
    lines, start = [], 0
    for chunk in text.split("\n"):
        lines.append(Line(start, start + len(chunk), chunk))
        start += len(chunk) + 1
    return lines


def line_key(text: str) -> str:
    return " ".join(text.lower().split())


def repeated_lines(texts: Iterable[str], *, min_docs: int = 2) -> frozenset[str]:
    """Lines (normalised) that stand in `min_docs` or more texts: templates, not articles."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({line_key(l) for l in text.split("\n") if len(l.split()) >= 2 and len(l) < 200})
    return frozenset(k for k, n in counts.items() if n >= min_docs)


def clean(raw: RawText, *, repeated: frozenset[str] = frozenset(), patterns: Patterns | None = None) -> Article:
    """Split a text into title, byline, date and body; blank out boilerplate."""
    patterns = patterns or load_patterns()
    lines = [l for l in split_lines(raw.text) if l.stripped]
    furniture = {i for i, l in enumerate(lines) if _is_boilerplate(l, patterns, repeated)}
    title_i = _title_index(lines, furniture)
    author, when, byline_i = _byline(lines, patterns, furniture, title_i)
    dated, date_i = _date_line(lines, patterns, furniture, title_i)
    when = when or dated
    meta = {title_i, byline_i, date_i} - {None}
    furniture |= _tail_furniture(lines, furniture | meta)
    if not author:
        author = _credited_author(lines, furniture, patterns)
    body = tuple((l.start, l.end) for i, l in enumerate(lines) if i not in furniture and i not in meta)
    return Article(
        doc_id=raw.doc_id,
        source=raw.source,
        text=raw.text,
        title=lines[title_i].stripped if title_i is not None else "",
        author=author,
        date=when,
        body=body,
        boilerplate_lines=len(furniture),
        warnings=raw.warnings,
    )


def _is_boilerplate(line: Line, patterns: Patterns, repeated: frozenset[str]) -> bool:
    text = line.stripped
    if line_key(text) in repeated:
        return True
    if any(p.search(text) for p in patterns.boilerplate):
        return True
    # Social handles and links crowding a line mark share/follow widgets.
    handles = len(re.findall(r"(?:^|\s|\()@\w+|https?://|www\.", text))
    return handles >= 2 or (handles >= 1 and line.words <= 4)


def _tail_furniture(lines: list[Line], skip: set[int]) -> set[int]:
    """Short lines after the last real paragraph: bios, widget labels, stray words."""
    tail: set[int] = set()
    for i in range(len(lines) - 1, -1, -1):
        if i in skip:
            continue
        if lines[i].words >= TAIL_WORDS:
            return tail
        tail.add(i)
    return set()  # no real paragraph at all: keep everything rather than blank the article


def _title_index(lines: list[Line], furniture: set[int]) -> int | None:
    """The first line is the title when it is short and not a sentence of running text."""
    for i, line in enumerate(lines[:3]):
        if i in furniture:
            continue
        text = line.stripped
        if line.words <= 25 and not text.endswith((".", ",", ";", ":")) and _next_is_break(lines, i):
            return i
        return None
    return None


def _next_is_break(lines: list[Line], i: int) -> bool:
    return i + 1 >= len(lines) or lines[i + 1].start > lines[i].end + 1


def _header(lines: list[Line], furniture: set[int], title_i: int | None, patterns: tuple[re.Pattern, ...]):
    """(index, match) of each of the first lines after the title that a pattern matches."""
    first = 0 if title_i is None else title_i + 1
    for i in range(first, min(first + 3, len(lines))):
        if i not in furniture:
            for pattern in patterns:
                match = pattern.match(lines[i].stripped)
                if match:
                    yield i, match


def _byline(lines: list[Line], patterns: Patterns, furniture: set[int], title_i: int | None):
    """Look for 'Posted by X on DATE' / 'By X' in the first lines after the title."""
    for i, match in _header(lines, furniture, title_i, patterns.bylines):
        if len(match.group("author").split()) <= 9:  # two authors of four words
            return match.group("author").strip(), parse_date(match.group("date") or ""), i
    return "", "", None


def _date_line(lines: list[Line], patterns: Patterns, furniture: set[int], title_i: int | None):
    """A line that is only a date among the first lines after the title: (ISO date, index)."""
    for i, match in _header(lines, furniture, title_i, patterns.date_lines):
        when = parse_date(match.group("date"))
        if when:
            return when, i
    return "", None


def _credited_author(lines: list[Line], furniture: set[int], patterns: Patterns) -> str:
    for i in sorted(furniture):
        for pattern in patterns.author_credits:
            match = pattern.search(lines[i].stripped)
            if match:
                return match.group("author")
    return ""


def parse_date(text: str) -> str:
    """An ISO date from a byline's date text, or '' when it holds no full date."""
    text = text.strip()
    if not text or not re.search(r"\d", text):
        return ""
    from dateutil import parser

    try:
        parsed = parser.parse(text, fuzzy=True, default=datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return ""
    if parsed.year == 1:
        return ""
    return parsed.date().isoformat()


# -- the corpus --------------------------------------------------------------------------

def load_articles(
    paths: Iterable[str | Path],
    *,
    boilerplate: tuple[str, ...] = (),
    warn=None,
    stdin=None,
    repeated: frozenset[str] | None = None,
) -> Iterator[Article]:
    """Yield cleaned Articles for every input, warning (not failing) on unreadable files.

    Files are read twice (first to find lines repeated across documents, then to clean)
    so that memory stays flat however large the corpus is.
    """
    warn = warn or (lambda message: None)
    sources = list(iter_sources(paths, warn=warn))
    if not sources:
        raise InputError("no input files to read")
    cached: dict[str, RawText] = {}
    if repeated is None:
        repeated = corpus_repeated_lines(sources, cached=cached, stdin=stdin)
    patterns = load_patterns(tuple(boilerplate))
    seen: Counter[str] = Counter()
    for source in sources:
        raw = _read_or_warn(source, warn, cached, stdin, first_pass=False)
        if raw is None:
            continue
        for message in raw.warnings:
            warn(message)
        raw = _unique_id(raw, seen)
        yield clean(raw, repeated=repeated, patterns=patterns)
    if not seen:
        raise InputError("no readable input: every file was skipped")


def corpus_repeated_lines(sources: list, *, cached: dict | None = None, stdin=None) -> frozenset[str]:
    """Lines that stand in two or more of the readable sources (a first, silent pass)."""
    if len(sources) < 2:
        return frozenset()
    cached = {} if cached is None else cached
    texts = (_read_or_warn(s, lambda m: None, cached, stdin, first_pass=True) for s in sources)
    return repeated_lines(r.text for r in texts if r is not None)


def _read_or_warn(source, warn, cached, stdin, *, first_pass: bool) -> RawText | None:
    key = str(source)
    name = "stdin" if source == STDIN else key
    try:
        if source == STDIN:
            raw = cached.get(key) or read_source(source, stdin=stdin)
            cached[key] = raw  # stdin cannot be read twice
        else:
            data = Path(source).read_bytes()
            if is_binary(data):
                if not first_pass:
                    warn(f"{source}: binary file, skipped")
                return None
            raw = decode(data, doc_id=Path(source).stem, source=key)
    except OSError as exc:
        if not first_pass:
            warn(f"{name}: cannot read ({exc.strerror or exc}), skipped")
        return None
    if not raw.text.strip():
        if not first_pass:
            warn(f"{name}: empty, skipped")
        return None
    return raw


def _unique_id(raw: RawText, seen: Counter[str]) -> RawText:
    """Two inputs with the same stem get -2, -3 suffixes so doc_id stays a key."""
    seen[raw.doc_id] += 1
    if seen[raw.doc_id] == 1:
        return raw
    return RawText(f"{raw.doc_id}-{seen[raw.doc_id]}", raw.source, raw.text, raw.warnings)
