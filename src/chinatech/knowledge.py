"""Load the knowledge shipped as data files (gazetteers, trend taxonomy), plus the user's additions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

import yaml


@dataclass(frozen=True)
class Entry:
    """One gazetteer or taxonomy entry: a canonical name and every form that refers to it."""

    name: str
    kind: str  # company | publisher | investor | product | trend
    forms: tuple[str, ...]
    ambiguous: bool = False
    country: str = ""
    sector: str = ""
    maker: str = ""
    category: str = ""
    former_names: tuple[str, ...] = ()
    parent: str = ""


@lru_cache(maxsize=None)
def read_data(name: str) -> dict:
    """Parse one YAML file from the package's data folder (once per process: callers share
    the result and must not change it)."""
    text = resources.files("chinatech.data").joinpath(name).read_text(encoding="utf-8")
    # libyaml's loader parses the gazetteers about ten times faster than the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader) or {}


def word_set(data: Mapping, *keys: str) -> frozenset[str]:
    """The lower-cased words listed under `keys` of a data file (missing keys are empty)."""
    return frozenset(str(w).lower() for key in keys for w in (data.get(key) or ()))


def _entry(item: dict, kind: str) -> Entry:
    name = str(item["name"]).strip()
    forms = [name, *(item.get("aliases") or []), *(item.get("former_names") or [])]
    unique = tuple(dict.fromkeys(str(f).strip() for f in forms if str(f).strip()))
    return Entry(
        name=name,
        kind=item.get("type") or kind,
        forms=unique,
        ambiguous=bool(item.get("ambiguous", False)),
        country=item.get("country") or "",
        sector=item.get("sector") or "",
        maker=item.get("maker") or "",
        category=item.get("category") or "",
        former_names=tuple(str(f).strip() for f in item.get("former_names") or []),
        parent=str(item.get("parent") or "").strip(),
    )


def _merge(base: Iterable[dict], extra: Iterable[dict], kind: str) -> tuple[Entry, ...]:
    """User entries replace shipped ones of the same name, so config can correct the data."""
    by_name: dict[str, Entry] = {}
    for item in [*base, *extra]:
        entry = _entry(item, kind)
        by_name[entry.name.lower()] = entry
    return tuple(by_name.values())


@lru_cache(maxsize=8)
def _companies(extra: tuple) -> tuple[Entry, ...]:
    return _merge(read_data("companies.yaml").get("companies", []), [dict(e) for e in extra], "company")


@lru_cache(maxsize=8)
def _products(extra: tuple) -> tuple[Entry, ...]:
    return _merge(read_data("products.yaml").get("products", []), [dict(e) for e in extra], "product")


@lru_cache(maxsize=8)
def _trends(extra: tuple) -> tuple[Entry, ...]:
    return _merge(read_data("trends.yaml").get("trends", []), [dict(e) for e in extra], "trend")


def _freeze(items: Iterable[dict]) -> tuple:
    return tuple(tuple(sorted((k, _hashable(v)) for k, v in d.items())) for d in items)


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def companies(extra: Iterable[dict] = ()) -> tuple[Entry, ...]:
    """Companies, investors and publishers, shipped plus `extra`."""
    return _companies(_freeze(extra))


def products(extra: Iterable[dict] = ()) -> tuple[Entry, ...]:
    """Products, apps and platforms with their makers, shipped plus `extra`."""
    return _products(_freeze(extra))


def trends(extra: Iterable[dict] = ()) -> tuple[Entry, ...]:
    """The trend taxonomy, shipped plus `extra`."""
    return _trends(_freeze(extra))
