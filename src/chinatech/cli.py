"""The `chinatech` command: click group and commands only. Each command parses its options,
calls one function that Python code can call too, and hands the tables to an output writer.

Heavy libraries (spaCy, pandas) are imported inside commands so `--help` is instant.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_SKIPPED, ChinatechError

TABLE_NAMES = ("documents", "companies", "products", "people", "metrics", "trends", "claims")
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")
FILE_FORMATS = ("csv", "tsv", "json", "jsonl", "markdown", "parquet", "sqlite")


def _restore_sigpipe() -> None:
    # Like csvkit: with the default SIGPIPE action, `chinatech ... | head -1` ends quietly
    # instead of raising BrokenPipeError inside Python's stdout machinery.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def common_options(command):
    """Input and configuration options shared by every command that reads articles."""
    decorators = [
        click.argument("paths", nargs=-1, type=click.Path(allow_dash=True)),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                     help="Settings file (default: ./config.yaml when present)."),
        click.option("-q", "--quiet", is_flag=True, help="No warnings or progress on stderr."),
        click.option("--strict", is_flag=True, help="Treat any skipped input as an error (exit 2)."),
        click.option("--verbose", is_flag=True, help="Show tracebacks for unexpected errors."),
        click.option("--no-cache", is_flag=True, help="Parse everything again; do not read or write the parse cache."),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), command)


def output_options(command):
    """The output flags every listing command takes, as sqlite-utils stacks --csv/--nl/--table."""
    decorators = [
        click.option("--table", "table", type=click.Choice(TABLE_NAMES), default=None,
                     help="Show one table (default: all on a terminal)."),
        click.option("--format", "-f", "fmt", type=click.Choice(OUTPUT_FORMATS + ("parquet", "sqlite")), default=None,
                     help="table (rich, default on a terminal), csv (default in a pipe), tsv, json, jsonl, markdown; "
                          "with --out also parquet, sqlite."),
        click.option("--out", "out", type=click.Path(file_okay=False), default=None,
                     help="Write one file per table into this folder instead of printing."),
        click.option("--safe-csv", is_flag=True,
                     help="Prefix cells starting with = + - @ with ' so spreadsheets do not run them as formulas."),
    ]
    return functools.reduce(lambda f, d: d(f), reversed(decorators), command)


class Reporter:
    """Warnings to stderr (unless quiet), remembered for the exit status."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.messages: list[str] = []

    def __call__(self, message: str) -> None:
        self.messages.append(message)
        if not self.quiet:
            click.echo(f"warning: {message}", err=True)


def handle_errors(func):
    """Turn user errors into one line and exit 2; unexpected ones too unless --verbose."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        verbose = kwargs.get("verbose", False)
        try:
            return func(*args, **kwargs)
        except ChinatechError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if verbose:
                raise
            click.echo(f"Error: {type(exc).__name__}: {exc} (run with --verbose for details)", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chinatech")
def cli() -> None:
    """Turn articles about the Chinese tech industry into tidy tables.

    \b
    Examples:
      chinatech extract                          # the bundled corpus/, all tables
      chinatech extract --table metrics | csvlook
      chinatech extract news/ --out tables/ --format csv
      chinatech eval --detail
    """
    _restore_sigpipe()


@cli.command("extract")
@common_options
@output_options
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine's processes; dask: partition the files over a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --engine dask: the scheduler to use (default: a local cluster).")
@click.option("--discover", is_flag=True,
              help="Also list salient phrases outside the trend taxonomy (trends.source = discovered).")
@handle_errors
def extract_cli(paths, config_path, quiet, strict, verbose, no_cache, table, fmt, out, safe_csv, engine, scheduler,
                discover) -> None:
    """Extract companies, products, people, metrics, trends and claims.

    PATHS are files, folders (their .txt and .md files) or - for standard input;
    the default is corpus/.

    \b
    Examples:
      chinatech extract                                  # rich tables on a terminal
      chinatech extract --table companies --format csv | head
      chinatech extract --format json | jq '.metrics[0]'
      chinatech extract articles/ --out out/ --format parquet
      cat article.txt | chinatech extract - --table claims
      chinatech extract archive/ --engine dask --out out/ --format parquet
    """
    from .extraction import extract
    from .output import check_writable

    fmt = _resolve_format(fmt, table, out)
    settings = _settings(config_path, no_cache)
    if out:
        check_writable(Path(out))
    report = Reporter(quiet)
    paths = paths or ("corpus",)
    with progress_bar(paths, quiet) as advance:
        tables = extract(paths, settings=settings, tables=[table] if table else TABLE_NAMES, warn=report,
                         progress=advance, engine=engine, scheduler=scheduler, discover=discover)
    _check_strict(report, strict)
    _emit(dict(tables.items()), fmt=fmt, out=out, safe_csv=safe_csv, quiet=quiet)
    if report.messages:
        sys.exit(EXIT_SKIPPED)


def _emit(frames: dict, *, fmt: str, out: str | None, safe_csv: bool, quiet: bool) -> None:
    """Hand tables to the writer the options chose: files, rich, or text on stdout."""
    from .output import print_rich, render, write_tables

    if out:
        for path in write_tables(frames, Path(out), format=fmt, safe_csv=safe_csv):
            if not quiet:
                click.echo(f"wrote {path}", err=True)
    elif fmt == "table":
        print_rich(frames)
    else:
        click.echo(render(frames, fmt, safe_csv=safe_csv), nl=False)


# A bar for a handful of articles is noise; past this many, people want to see progress.
PROGRESS_MIN_FILES = 10


@contextlib.contextmanager
def progress_bar(paths, quiet: bool):
    """A rich progress bar on stderr, only on a terminal, not with --quiet, not for a few files."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from .corpus import iter_sources

    try:
        total = sum(1 for _ in iter_sources(paths, warn=lambda message: None))
    except ChinatechError:
        total = 0
    if total < PROGRESS_MIN_FILES:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("extracting", total=total)
        yield lambda doc_id: bar.advance(task)


def _settings(config_path: str | None, no_cache: bool):
    from dataclasses import replace

    from .config import load_settings

    settings = load_settings(config_path)
    return replace(settings, cache=False) if no_cache else settings


def _resolve_format(fmt: str | None, table: str | None, out: str | None) -> str:
    """Terminal: rich tables; pipe or file: CSV. CSV/TSV of all tables only go to files."""
    if fmt is None:
        fmt = "csv" if out or not sys.stdout.isatty() else "table"
    if out and fmt == "table":
        raise click.UsageError("--out writes files: choose --format csv, tsv, json, jsonl, markdown, parquet or sqlite")
    if not out and fmt in ("parquet", "sqlite"):
        raise click.UsageError(f"--format {fmt} writes files: add --out DIR")
    if not out and not table and fmt in ("csv", "tsv"):
        raise click.UsageError(f"{fmt} holds one table: add --table NAME, or --out DIR to write them all")
    return fmt


def _check_strict(report: Reporter, strict: bool) -> None:
    """With --strict a warning is an error: stop before writing anything."""
    if strict and report.messages:
        raise ChinatechError(f"{len(report.messages)} warning(s) with --strict; nothing written")


def main() -> None:
    cli()


@cli.command("eval")
@common_options
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default="tests/gold", show_default=True,
              help="Folder of gold <doc_id>.yaml files.")
@click.option("--pred", "pred_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Score <table>.csv files in this folder instead of running extraction.")
@click.option("--detail", is_flag=True, help="List every miss and false positive per document.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--min-f1", "floors", multiple=True, metavar="TABLE=X",
              help="Exit 1 when TABLE's F1 is below X (repeatable), for CI.")
@handle_errors
def eval_cli(paths, config_path, quiet, strict, verbose, no_cache, gold_dir, pred_dir, detail, fmt, floors) -> None:
    """Score extraction against gold annotations: precision, recall and F1 per table.

    \b
    Examples:
      chinatech eval                                 # corpus/ against tests/gold/
      chinatech eval --detail                        # every miss and false positive
      chinatech eval --format json | jq .metrics.f1
      chinatech eval --pred baseline/ --min-f1 companies=0.9
    """
    import json

    from .evaluate import failures, load_gold, parse_floors, print_scores, read_predictions, score_tables, scores_json
    from .extraction import extract

    try:
        wanted = parse_floors(floors)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--min-f1") from None
    if not Path(gold_dir).is_dir():
        raise click.BadParameter(f"no such folder: {gold_dir}", param_hint="--gold")
    gold = load_gold(gold_dir)
    if not gold:
        raise click.BadParameter(f"no gold .yaml files in {gold_dir}", param_hint="--gold")
    if pred_dir:
        frames = read_predictions(pred_dir)
    else:
        frames = dict(extract(paths or ("corpus",), settings=_settings(config_path, no_cache), warn=Reporter(quiet)).items())
    scores = score_tables(frames, gold)
    if fmt == "json":
        click.echo(json.dumps(scores_json(scores, detail=detail), indent=2))
    else:
        print_scores(scores, detail=detail)
    problems = failures(scores, wanted)
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    if problems:
        sys.exit(1)


@cli.command("report")
@common_options
@click.option("--out", "out", type=click.Path(file_okay=False), default="report", show_default=True,
              help="Folder for report.html and report.md.")
@click.option("--format", "-f", "formats", default="html,md", show_default=True,
              help="Comma-separated: html, md.")
@handle_errors
def report_cli(paths, config_path, quiet, strict, verbose, no_cache, out, formats) -> None:
    """Write a batch report: overview, per-article digests, corpus tables and charts.

    The HTML report is one self-contained file that works offline; the Markdown one
    renders on GitHub.

    \b
    Examples:
      chinatech report --out report/              # report.html and report.md for corpus/
      chinatech report news/ --out weekly/ --format html
    """
    from .extraction import extract
    from .output import check_writable
    from .report import write_report

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = sorted(set(wanted) - {"html", "md"})
    if unknown or not wanted:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; use html, md", param_hint="--format")
    check_writable(Path(out))
    report = Reporter(quiet)
    paths = paths or ("corpus",)
    with progress_bar(paths, quiet) as advance:
        tables = extract(paths, settings=_settings(config_path, no_cache), warn=report, progress=advance)
    _check_strict(report, strict)
    for path in write_report(tables, Path(out), formats=wanted):
        if not quiet:
            click.echo(f"wrote {path}", err=True)
    if report.messages:
        sys.exit(EXIT_SKIPPED)


@cli.command("trends")
@common_options
@click.option("--format", "-f", "fmt", type=click.Choice(("table", "csv", "tsv", "json", "jsonl", "markdown")),
              default=None, help="table (rich, default on a terminal), csv (default in a pipe), tsv, json, jsonl, markdown.")
@click.option("--period", type=click.Choice(["year", "quarter", "month"]), default="year", show_default=True,
              help="How to group dated articles in the by_period column.")
@click.option("--discover/--no-discover", default=True, show_default=True,
              help="Include salient phrases outside the taxonomy (source = discovered).")
@click.option("--top-companies", type=click.IntRange(0, 50), default=3, show_default=True,
              help="How many co-mentioned companies to list per trend.")
@handle_errors
def trends_cli(paths, config_path, quiet, strict, verbose, no_cache, fmt, period, discover, top_companies) -> None:
    """Trends across the corpus: documents, mentions, companies named with them, periods.

    \b
    Examples:
      chinatech trends                                # corpus/, taxonomy and discovered trends
      chinatech trends news/ --period quarter --format csv > trends.csv
      chinatech trends --no-discover --format markdown
    """
    from .extraction import extract
    from .trendview import corpus_trends

    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    report = Reporter(quiet)
    paths = paths or ("corpus",)
    with progress_bar(paths, quiet) as advance:
        tables = extract(paths, settings=_settings(config_path, no_cache), warn=report, progress=advance,
                         tables=("documents", "companies", "trends"), mentions=True, discover=False)
    _check_strict(report, strict)
    found = None
    if discover:
        from .trendview import discover as discover_trends

        found = discover_trends(tables.mentions)
    view = corpus_trends(tables.trends, tables.companies, tables.documents, mentions=tables.mentions,
                         discovered=found, top_companies=top_companies, period=period)
    _emit({"trends": view}, fmt=fmt, out=None, safe_csv=False, quiet=quiet)
    if report.messages:
        sys.exit(EXIT_SKIPPED)
