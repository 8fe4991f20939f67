"""chinatech: tidy tables of companies, products, people, metrics, trends and claims from
English articles about the Chinese technology industry."""

from __future__ import annotations

__version__ = "0.1.0"


def extract(*args, **kwargs):
    """Extract every table from articles; see chinatech.extraction.extract."""
    # Imported on call so `import chinatech` (and `chinatech --help`) stays instant.
    from .extraction import extract as _extract

    return _extract(*args, **kwargs)


__all__ = ["extract", "__version__"]
