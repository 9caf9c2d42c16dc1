"""What the CLI prints: diagnostics, error messages and build summaries."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .errors import EXIT_OK, EXIT_PROBLEMS, Diagnostic, KlausulError
from .model import CatalogCoverage


def print_diagnostics(problems: list[Diagnostic], fmt: str, strict: bool) -> int:
    """Print every diagnostic and a count; the exit code for them."""
    errors = sum(d.severity == "error" for d in problems)
    warnings = len(problems) - errors
    failed = errors > 0 or (strict and warnings > 0)
    if fmt == "json":
        click.echo(json.dumps({"ok": not failed, "errors": errors, "warnings": warnings,
                               "problems": [d.as_dict() for d in problems]}, ensure_ascii=False, indent=2))
    else:
        for d in problems:
            click.echo(f"{d} ({d.severity})" if d.severity != "error" else str(d), err=True)
        files = len({d.path for d in problems})
        click.echo(f"{errors} error(s), {warnings} warning(s) in {files} file(s)" if problems
                   else "library is valid", err=bool(problems))
    return EXIT_PROBLEMS if failed else EXIT_OK


def print_error(exc: KlausulError) -> int:
    """Print a user error with its diagnostics; its exit code."""
    for d in exc.diagnostics:
        click.echo(str(d), err=True)
    click.echo(f"klausul: {exc}", err=True)
    return exc.exit_code


def build_all(root: Path, agreements: tuple[str, ...], out: Path, formats: tuple[str, ...],
              template: Path | None) -> int:
    """Build each agreement in turn; one that fails does not stop the others."""
    from .build import build_files
    from .library import open_library
    from .output import write_files

    library, warnings = open_library(root)
    for d in warnings:
        click.echo(f"{d} (warning)", err=True)
    failed, worst = 0, EXIT_OK
    for agreement in agreements or tuple(sorted(library.agreements)):
        try:
            draft, files = build_files(library, agreement, formats, template)
            written = write_files(out, files)
        except KlausulError as exc:
            failed += 1
            worst = max(worst, print_error(exc))
            continue
        summary = ", ".join(_summary(c) for c in draft.coverage)
        click.echo(f"{agreement}: {', '.join(str(p) for p in written)} ({summary})")
    if failed:
        click.echo(f"klausul: {failed} agreement(s) failed", err=True)
    return worst  # the most serious exit code of the agreements that failed



def _summary(catalog: CatalogCoverage) -> str:
    counts = catalog.summary()
    partial = f", {counts['partial']} partly" if counts["partial"] else ""
    return f"{catalog.id} {counts['covered']}/{len(catalog.items)} covered{partial}"


def deliver(data: bytes, output: Path | None, default: Path, text: bool) -> None:
    """Write to --output, else text to stdout and binary files to `default`; atomically either way."""
    from .output import write_files

    if output is None and text:
        click.echo(data.decode("utf-8"), nl=False)
        return
    target = output or default
    (written,) = write_files(target.parent, {target.name: data})
    click.echo(f"wrote {written}", err=True)
