"""The command line: parse options, call the library, print diagnostics, set the exit code.

Commands import their library modules lazily so that `klausul --help` and `klausul validate`
start fast. Every user error is a KlausulError and is turned into a message and an exit code in
`main`, the one place that handles them.
"""

from __future__ import annotations

from pathlib import Path

import click

from .errors import EXIT_INTERNAL, EXIT_PROBLEMS, KlausulError


class _Klausul(click.Group):
    """The command group; the one place where errors become messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KlausulError as exc:
            from .report import print_error

            ctx.exit(print_error(exc))
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`klausul ... | head`): not an error of ours
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception:  # a bug: say so plainly, and show the details only when asked
            if ctx.params.get("debug"):
                raise
            click.echo("klausul: internal error; please report it with the output of the same "
                       "command run with --debug", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Klausul, context_settings={"help_option_names": ["-h", "--help"]})
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

    click.get_current_context().exit(print_diagnostics(diagnose(root), fmt, strict))


@cli.command()
@click.argument("agreement")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 when any catalog item is a gap or partly covered "
              "without a stated reason.")
@click.pass_obj
def coverage(root: Path, agreement: str, fmt: str, strict: bool) -> None:
    """Print the coverage checklist of AGREEMENT."""
    from .assemble import assemble
    from .library import open_library
    from .render import render

    library, _warnings = open_library(root)
    draft = assemble(library, agreement)
    click.echo(render(f"coverage.{fmt}", draft).decode("utf-8"), nl=False)
    open_items = [f"{cat.id}:{i.id}" for cat in draft.coverage for i in cat.items if i.unresolved()]
    if strict and open_items:
        click.echo(f"{agreement}: {len(open_items)} catalog item(s) are gaps or only partly covered: "
                   f"{', '.join(open_items)}", err=True)
        click.get_current_context().exit(EXIT_PROBLEMS)


@cli.group()
def export() -> None:
    """Export an agreement's clauses for other work (procurement)."""


@export.command()
@click.argument("agreement")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "docx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write  [default: csv to stdout, xlsx/docx to output/AGREEMENT.requirements.*]")
@click.pass_obj
def requirements(root: Path, agreement: str, fmt: str, output: Path | None) -> None:
    """The requirement list of AGREEMENT for a tender or supplier dialogue."""
    _render_one(root, agreement, f"requirements.{fmt}", output)


@cli.command()
@click.argument("agreement")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "ics"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write  [default: stdout]")
@click.pass_obj
def followup(root: Path, agreement: str, fmt: str, output: Path | None) -> None:
    """The follow-up plan of AGREEMENT: what is reported, by whom, where, how often, from when."""
    _render_one(root, agreement, f"followup.{fmt}", output)


def _render_one(root: Path, agreement: str, fmt: str, output: Path | None) -> None:
    from .build import render_one
    from .library import open_library
    from .render import WRITERS
    from .report import deliver

    library, _warnings = open_library(root)
    _draft, data = render_one(library, agreement, fmt)
    suffix = WRITERS[fmt][0]
    deliver(data, output, root / "output" / f"{agreement}{suffix}", text=suffix.rsplit(".", 1)[1] in ("csv", "md", "ics"))


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

    click.get_current_context().exit(build_all(root, agreements, out or root / "output", formats or ("docx",), template))


main = cli

if __name__ == "__main__":
    main()
