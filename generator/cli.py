"""The command line: parse options, call the library, print diagnostics, set the exit code.

Commands import their library modules lazily so that `klausul --help` and `klausul validate`
start fast. Every user error is a KlausulError and is turned into a message and an exit code in
`main`, the one place that handles them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, KlausulError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The library: a folder with clauses/, services/, catalogs/, agreements/.")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
@click.version_option(package_name="klausul")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """Klausul: IT-security agreements assembled from a validated clause library."""
    ctx.obj = root


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Treat warnings as problems (exit 1).")
@click.pass_obj
def validate(root: Path, fmt: str, strict: bool) -> None:
    """Check every library file and the references between them."""
    from .library import diagnose
    from .report import print_diagnostics

    sys.exit(print_diagnostics(diagnose(root), fmt, strict))


@cli.command()
@click.argument("agreement")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 when any catalog item is a gap.")
@click.pass_obj
def coverage(root: Path, agreement: str, fmt: str, strict: bool) -> None:
    """Print the coverage checklist of AGREEMENT."""
    from .assemble import assemble
    from .library import open_library
    from .render import render

    library, _warnings = open_library(root)
    draft = assemble(library, agreement)
    click.echo(render(f"coverage.{fmt}", draft).decode("utf-8"), nl=False)
    gaps = sum(cat.summary()["gap"] for cat in draft.coverage)
    if strict and gaps:
        click.echo(f"{agreement}: {gaps} catalog item(s) are gaps", err=True)
        sys.exit(EXIT_PROBLEMS)


@cli.command()
@click.argument("agreements", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder  [default: output/ in the library]")
@click.option("--format", "formats", type=click.Choice(["docx", "md"]), multiple=True,
              help="Draft format; repeat for both  [default: docx]")
@click.option("--template", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A Word template of your own instead of the agreement's or the shipped one.")
@click.pass_obj
def build(root: Path, agreements: tuple[str, ...], out: Path | None, formats: tuple[str, ...],
          template: Path | None) -> None:
    """Write the draft and its coverage checklist for each AGREEMENT (default: all)."""
    from .report import build_all

    sys.exit(build_all(root, agreements, out or root / "output", formats or ("docx",), template))


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning errors into messages and documented exit codes."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=argv, prog_name="klausul", standalone_mode=False)
    except KlausulError as exc:
        from .report import print_error

        return print_error(exc)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_PROBLEMS
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except Exception:  # a bug: say so plainly, and show the details only when asked
        if "--debug" in argv:
            raise
        click.echo("klausul: internal error; please report it, with the output of the same command "
                   "run with --debug", err=True)
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
