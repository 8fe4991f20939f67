"""A parse cache: processed Docs stored with DocBin, keyed by text, model and extractor config.

Re-running on an unchanged corpus then skips the parser. Each entry is its own file written
atomically (temporary file + rename), so concurrent runs never see half an entry, and an
entry that does not load (corrupt, truncated, from another spaCy) is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, DocBin

from . import __version__


def default_dir() -> Path:
    """CHINATECH_CACHE_DIR, else the platform's user cache folder."""
    if os.environ.get("CHINATECH_CACHE_DIR"):
        return Path(os.environ["CHINATECH_CACHE_DIR"])
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "chinatech"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of chinatech's components and data files: any change to them invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    for package in ("chinatech.components", "chinatech.data"):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".py", ".yaml")):
                digest.update(entry.name.encode())
                digest.update(entry.read_bytes())
    return digest.hexdigest()


def model_id(model: str) -> str:
    """The pipeline's name and installed version, known without loading it."""
    from importlib.metadata import PackageNotFoundError, version

    for dist in (model, model.replace("_", "-")):
        try:
            return f"{model}=={version(dist)}"
        except PackageNotFoundError:
            continue
    path = Path(model)
    # A pipeline loaded from a folder: its meta.json holds name and version.
    meta = path / "meta.json"
    return f"{model}@{hashlib.sha256(meta.read_bytes()).hexdigest()}" if meta.is_file() else model


def _model_lang(model: str) -> str:
    """The language of a pipeline named like spaCy's ("en_core_web_sm" -> "en"), else English."""
    from spacy.util import get_lang_class

    code = Path(model).name.split("_")[0]
    try:
        get_lang_class(code)
        return code
    except Exception:  # noqa: BLE001 - any name that is no language code
        return "en"


class ParseCache:
    """Docs on disk under `folder`, one file per key."""

    def __init__(self, folder: Path, model: str, settings_key: str, vocab=None) -> None:
        self.folder = folder
        self._vocab = vocab
        self._lang = _model_lang(model)
        self.prefix = hashlib.sha256(f"{model_id(model)}|{code_fingerprint()}|{settings_key}".encode()).hexdigest()

    @property
    def vocab(self):
        # Reading entries needs a vocab, not the model: a fully cached run never loads it, nor
        # a blank pipeline (whose tokenizer rules take far longer to build than the vocab).
        if self._vocab is None:
            from spacy.util import get_lang_class
            from spacy.vocab import create_vocab

            self._vocab = create_vocab(self._lang, get_lang_class(self._lang).Defaults)
        return self._vocab

    def key(self, text: str, meta: dict) -> str:
        payload = f"{self.prefix}|{sorted(meta.items())}|{text}"
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.spacy"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def load(self, key: str) -> Doc | None:
        """The cached Doc, or None when the entry is missing or unreadable."""
        try:
            data = self.path(key).read_bytes()
            docs = list(DocBin(store_user_data=True).from_bytes(data).get_docs(self.vocab))
            return docs[0] if len(docs) == 1 else None
        except Exception:  # noqa: BLE001 - any broken entry is just a miss, rebuilt by the caller
            return None

    def save(self, key: str, doc: Doc) -> None:
        """Store a Doc; failures to write (read-only disk, full disk) only cost the cache."""
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".spacy")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except (OSError, NameError):
                pass
