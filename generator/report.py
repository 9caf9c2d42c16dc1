"""What the CLI prints: diagnostics, error messages and build summaries."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator.core.errors import EXIT_OK, EXIT_PROBLEMS, Diagnostic, KlausulError
from generator.core.model import CatalogCoverage
from generator.core.text import visible


def print_diagnostics(problems: list[Diagnostic], fmt: str, strict: bool) -> int:
    """Print every diagnostic and a count; the exit code for them."""
    errors = sum(d.severity == "error" for d in problems)
    warnings = len(problems) - errors
    failed = errors > 0 or (strict and warnings > 0)
    if fmt == "json":
        click.echo(json.dumps({"ok": not failed, "errors": errors, "warnings": warnings,
                               "problems": [d.as_dict() for d in problems]}, ensure_ascii=False, indent=2))
    else:
        if problems:  # one write: a large library can have tens of thousands
            click.echo("\n".join(visible(f"{d} ({d.severity})" if d.severity != "error" else str(d))
                                  for d in problems), err=True)
        files = len({d.path for d in problems})
        click.echo(f"{errors} error(s), {warnings} warning(s) in {files} file(s)" if problems
                   else "library is valid", err=bool(problems))
    return EXIT_PROBLEMS if failed else EXIT_OK


def print_rows(rows: list[dict], fmt: str) -> None:
    """Rows of `klausul list` as JSON or as an aligned text table."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        click.echo("(none)")
        return
    columns = list(rows[0])
    cells = [columns] + [[_cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for line in cells:
        click.echo("  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip())


def _cell(value) -> str:
    return "yes" if value is True else "no" if value is False else str(value)


def print_error(exc: KlausulError) -> int:
    """Print a user error with its diagnostics; its exit code."""
    for d in exc.diagnostics:
        click.echo(visible(str(d)), err=True)
    click.echo(visible(f"klausul: {exc}"), err=True)
    return exc.exit_code


def print_warnings(warnings: list[Diagnostic]) -> None:
    """Print the library's warnings, each marked as one."""
    if warnings:  # one write: a large library can have tens of thousands
        click.echo("\n".join(visible(f"{d} (warning)") for d in warnings), err=True)


def print_failure(failure) -> int:
    """Print a batch.Failure like print_error prints the error it came from; its exit code."""
    context = click.get_current_context(silent=True)
    if failure.trace and context is not None and context.find_root().params.get("debug"):
        click.echo(failure.trace.rstrip("\n"), err=True)
    for d in failure.diagnostics:
        click.echo(visible(str(d)), err=True)
    click.echo(visible(f"klausul: {failure.message}"), err=True)
    return failure.exit_code


def coverage_summary(draft) -> str:
    """One line per draft: each catalog's covered items, e.g. 'gdpr-art28 15/15 covered'."""
    return ", ".join(_summary(c) for c in draft.coverage)


class BatchReport:
    """Prints a batch build: each agreement's lines in the order asked for, whatever order they
    finish in; a progress bar on stderr when it is a terminal; the summary line at the end."""

    def __init__(self, ids: list[str], quiet: bool = False):
        self.total, self.quiet = len(ids), quiet
        self.waiting: dict[int, tuple] = {}  # finished, not yet printed: index → (outcome, written)
        self.next = self.built = self.failed = 0
        self.worst = EXIT_OK
        self.bar = None

    def __enter__(self) -> "BatchReport":
        if not self.quiet and sys.stderr.isatty():
            self.bar = click.progressbar(length=self.total, label="building", show_pos=True,
                                         file=sys.stderr)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)

    def add(self, index: int, outcome, written: list[Path]) -> None:
        """Record one agreement's outcome; print every line that is now next in order."""
        self.waiting[index] = (outcome, written)
        if self.next in self.waiting and self.bar is not None:
            click.echo("\r\033[K", nl=False, err=True)  # clear the bar's line; the update draws it again
        while self.next in self.waiting:
            self._print(*self.waiting.pop(self.next))
            self.next += 1
        if self.bar is not None:
            self.bar.update(1)

    def _print(self, outcome, written: list[Path]) -> None:
        if outcome.failure is not None:
            self.failed += 1
            self.worst = max(self.worst, print_failure(outcome.failure))
            return
        self.built += 1
        if not self.quiet:
            click.echo(f"{outcome.agreement}: {', '.join(str(p) for p in written)} ({outcome.summary})")

    def finish(self, seconds: float) -> int:
        """Print the summary line; the most serious exit code of the agreements that failed."""
        click.echo(f"built {self.built}, failed {self.failed} in {seconds:.1f} s", err=True)
        return self.worst


def _summary(catalog: CatalogCoverage) -> str:
    counts = catalog.summary()
    partial = f", {counts['partial']} partly" if counts["partial"] else ""
    inadequate = f", {counts['inadequate']} inadequate" if counts["inadequate"] else ""
    return f"{catalog.id} {counts['covered']}/{len(catalog.items)} covered{partial}{inadequate}"


def unresolved_lines(draft) -> list[str]:
    """`  catalog:item [service]: status: reason` for every service that `coverage --strict` refuses."""
    return [f"  {cat.id}:{i.id} [{s.service}]: {s.status}" + (f": {s.reason}" if s.reason else "")
            for cat in draft.coverage for i in cat.items for s in i.services if not s.accepted]


def deliver(data: bytes, output: Path | None, default: Path, text: bool) -> None:
    """Write to --output, else text to stdout and binary files to `default`; atomically either way."""
    from generator.output import write_files

    if output is None and text:
        click.echo(data.decode("utf-8"), nl=False)
        return
    if output is not None and str(output) == "-":  # `-o -`: stdout, for text and binary files alike
        stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
        return
    target = output or default
    (written,) = write_files(target.parent, {target.name: data})
    click.echo(f"wrote {written}", err=True)
