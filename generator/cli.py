"""The command line: parse options, call the library, print diagnostics, set the exit code.

Commands import their library modules lazily so that `klausul --help` and `klausul validate`
start fast. Every user error is a KlausulError and is turned into a message and an exit code in
`main`, the one place that handles them.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click

from generator.core.errors import EXIT_INTERNAL, EXIT_OUTPUT, EXIT_PROBLEMS, KlausulError


class _Klausul(click.Group):
    """The command group; the one place where errors become messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            try:
                return super().invoke(ctx)
            finally:  # a full disk shows here, not at interpreter exit (which would exit 120)
                sys.stdout.flush()
        except KlausulError as exc:
            from generator.report import print_error

            if ctx.params.get("debug"):  # asked for: where the error was raised, before the message
                import traceback

                traceback.print_exc()
            ctx.exit(print_error(exc))
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`klausul ... | head`): not an error of ours
            _drop_stdout()
            ctx.exit(0)
        except OSError as exc:
            if exc.errno not in _MEDIUM_ERRORS:
                return self._internal(ctx)
            _drop_stdout()  # stdout itself cannot be written (no file of ours failed: those are OutputErrors)
            click.echo(f"klausul: cannot write the output to stdout ({exc.strerror})", err=True)
            ctx.exit(EXIT_OUTPUT)
        except Exception:  # a bug: say so plainly, and show the details only when asked
            return self._internal(ctx)

    @staticmethod
    def _internal(ctx: click.Context):
        if ctx.params.get("debug"):
            raise
        click.echo("klausul: internal error; please report it with the output of the same "
                   "command run with --debug", err=True)
        ctx.exit(EXIT_INTERNAL)


_MEDIUM_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that the buffered rest is not written (and failing) at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@click.group(cls=_Klausul, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The library: a folder with clauses/, services/, catalogs/, agreements/  "
              "[default: the current folder, or the nearest one above it that holds a library]")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
@click.version_option(package_name="klausul")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, debug: bool) -> None:
    """Klausul: IT-security agreements assembled from a validated clause library."""
    if root is None:
        from generator.library.locate import find_root

        root = find_root(Path.cwd())
        if root != Path.cwd().resolve():  # keep paths in messages short when the library is here
            ctx.obj = root
            return
        root = Path(".")
    ctx.obj = root


def _complete_ids(folder: str):
    """Shell completion of document ids from file names (fast: nothing is parsed)."""
    def complete(ctx: click.Context, _param, incomplete: str):
        from generator.library.locate import find_root

        root = ctx.find_root().params.get("root") or find_root(Path.cwd())
        names = sorted({p.stem for p in (Path(root) / folder).rglob("*.y*ml")}) if (Path(root) / folder).is_dir() else []
        return [n for n in names if n.startswith(incomplete)]
    return complete


def _root_here(command):
    """`--root` after the command name too, as a pre-commit hook's `args: [--root, legal]` places it."""
    def keep(ctx: click.Context, _param, value: Path | None):
        if value is not None:
            ctx.obj = value
        return value

    return click.option("--root", "_root", type=click.Path(file_okay=False, path_type=Path), expose_value=False,
                        callback=keep, is_eager=True,
                        help="The library, as the global --root (for hooks that append it).")(command)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Treat warnings as problems (exit 1).")
@_root_here
@click.pass_obj
def validate(root: Path, fmt: str, strict: bool) -> None:
    """Check every library file and the references between them."""
    from generator.draft.check import diagnose
    from generator.report import print_diagnostics

    click.get_current_context().exit(print_diagnostics(diagnose(root), fmt, strict))


@cli.command()
@click.argument("agreement", shell_complete=_complete_ids("agreements"))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "csv"]), default="md", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 when any catalog item is a gap, inadequate (a value "
              "fails the item's rule) or partly covered without a stated reason.")
@click.pass_obj
def coverage(root: Path, agreement: str, fmt: str, strict: bool) -> None:
    """Print the coverage checklist of AGREEMENT."""
    from generator.draft.assemble import assemble
    from generator.library.open import open_library
    from generator.render import render
    from generator.report import unresolved_lines

    library, _warnings = open_library(root, (agreement,))  # only the documents the agreement can use
    draft = assemble(library, agreement)
    click.echo(render(f"coverage.{fmt}", draft).decode("utf-8"), nl=False)
    open_items = [f"{cat.id}:{i.id}" for cat in draft.coverage for i in cat.items if i.unresolved()]
    if strict and open_items:
        click.echo(f"{agreement}: {len(open_items)} catalog item(s) are gaps, inadequate or only partly covered: "
                   f"{', '.join(open_items)}", err=True)
        for line in unresolved_lines(draft):  # per service: which value fails which rule, or what is missing
            click.echo(line, err=True)
        click.get_current_context().exit(EXIT_PROBLEMS)


@cli.group()
def export() -> None:
    """Export an agreement's clauses for other work (procurement)."""


def _one_output(formats: list[str], where: str):
    """AGREEMENT, --format (the first is the default) and -o/--output: the options of a single-file export."""
    def decorate(command):
        for option in reversed([
            click.argument("agreement", shell_complete=_complete_ids("agreements")),
            click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True),
            click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                         help=f"File to write  [default: {where}]"),
            click.pass_obj,
        ]):
            command = option(command)
        return command

    return decorate


@export.command()
@_one_output(["xlsx", "csv", "docx"], "csv to stdout, xlsx/docx to output/AGREEMENT.requirements.*")
@click.option("--password", help="Protect the workbook's sheets with this password  [default: protected "
              "without a password]")
def requirements(root: Path, agreement: str, fmt: str, output: Path | None, password: str | None) -> None:
    """The requirement list of AGREEMENT for a tender or supplier dialogue."""
    if password is not None and fmt != "xlsx":
        from generator.core.errors import UsageError

        raise UsageError("--password protects the sheets of a workbook; it needs --format xlsx")
    _render_one(root, agreement, f"requirements.{fmt}", output, password=password)


@cli.group(name="import")
def import_() -> None:
    """Read material returned from outside back into Klausul (procurement)."""


@import_.command()
@click.argument("agreement")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "xlsx"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write  [default: md/json to stdout, xlsx to output/AGREEMENT.compliance.xlsx]")
@click.pass_obj
def answers(root: Path, agreement: str, file: Path, fmt: str, output: Path | None) -> None:
    """A bidder's answers in FILE (AGREEMENT's returned requirement workbook) as a compliance report;
    exit 1 when a mandatory requirement is not met."""
    from generator.draft.assemble import assemble
    from generator.library.open import open_library
    from generator.report import deliver
    from generator.review.answers import compliance
    from generator.review.answers_writers import WRITERS

    result = compliance(assemble(open_library(root, (agreement,))[0], agreement), file)
    deliver(WRITERS[fmt](result), output, root / "output" / f"{agreement}.compliance.xlsx", text=fmt != "xlsx")
    click.get_current_context().exit(0 if result.met else EXIT_PROBLEMS)


@cli.command()
@_one_output(["md", "csv", "ics"], "stdout")
def followup(root: Path, agreement: str, fmt: str, output: Path | None) -> None:
    """The follow-up plan of AGREEMENT: what is reported, by whom, where, how often, from when."""
    _render_one(root, agreement, f"followup.{fmt}", output)


def _render_one(root: Path, agreement: str, fmt: str, output: Path | None, **options) -> None:
    from generator.build import render_one
    from generator.library.open import open_library
    from generator.render import WRITERS
    from generator.report import deliver

    library, _warnings = open_library(root, (agreement,))
    _draft, data = render_one(library, agreement, fmt, **{k: v for k, v in options.items() if v is not None})
    suffix = WRITERS[fmt][0]
    deliver(data, output, root / "output" / f"{agreement}{suffix}", text=suffix.rsplit(".", 1)[1] in ("csv", "md", "ics"))


@cli.command()
@click.argument("agreements", nargs=-1, shell_complete=_complete_ids("agreements"))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder  [default: output/ in the library]")
@click.option("--format", "formats", type=click.Choice(["docx", "md"]), multiple=True,
              help="Draft format; repeat for both  [default: docx]")
@click.option("--template", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A Word template of your own instead of the agreement's or the shipped one.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Agreements built at the same time, in worker processes  [default: number of cores]")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no line per built agreement; "
              "errors and the summary line are still printed.")
@click.option("--edition", "editions", type=click.Choice(["contract", "review"]), multiple=True,
              help="contract (<id>.contract.docx, for the other party) or review (<id>.docx, ours); "
              "repeat for both  [default: both]")
@click.pass_obj
def build(root: Path, agreements: tuple[str, ...], out: Path | None, formats: tuple[str, ...],
          template: Path | None, jobs: int | None, quiet: bool, editions: tuple[str, ...]) -> None:
    """Write the draft (contract and review editions) and its coverage checklist for each AGREEMENT (default: all)."""
    from generator.batch import build_all

    click.get_current_context().exit(build_all(root, agreements, out or root / "output", formats or ("docx",),
                                               template, jobs, quiet, editions or None))


# --- starting and exploring a library: init, new, list ------------------------------------------

@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--extends", metavar="LIBRARY", help="Build on another library: klausul-sv (the shipped one, "
              "installed with the package) or a path to a library.")
def init(directory: Path, extends: str | None) -> None:
    """Create a working library in DIRECTORY: folders, an example of each document, editor settings."""
    from generator.draft.assemble import draft_date
    from generator.scaffold import init_library

    written = init_library(directory, extends, draft_date())
    click.echo(f"created a library with {len(written)} files in {directory}; try: klausul validate, klausul build")


@cli.command()
@click.argument("kind", type=click.Choice(["clause", "service", "agreement", "catalog"]))
@click.argument("ident", metavar="ID")
@click.option("--category", help="The clause's category (klausul list categories)  [default: governance]")
@click.option("--type", "service_type", help="The service's type (klausul list service-types)  [default: the id]")
@click.option("--service", "services", multiple=True, help="A service of the agreement; repeat  [default: all]")
@click.option("--catalog", "catalogs", multiple=True, help="A catalog of the agreement; repeat  [default: all]")
@click.option("--language", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.pass_obj
def new(root: Path, kind: str, ident: str, category: str | None, service_type: str | None,
        services: tuple[str, ...], catalogs: tuple[str, ...], language: str) -> None:
    """Write a valid skeleton of a new KIND with id ID into its folder."""
    from generator.draft.assemble import draft_date
    from generator.library import skeletons
    from generator.scaffold import new_document

    if kind == "clause":
        from generator.draft.listing import allowed

        category = category or "governance"
        if category not in allowed("clause", "category"):
            from generator.core.errors import UsageError

            raise UsageError(f"unknown category '{category}' (klausul list categories)")
        text = skeletons.clause(ident, category)
    elif kind == "service":
        text = skeletons.service(ident, service_type or ident)
    elif kind == "catalog":
        text = skeletons.catalog(ident)
    else:
        text = skeletons.agreement(ident, list(services) or _ids(root, "services"),
                                   list(catalogs) or _ids(root, "catalogs"), language, draft_date())
    click.echo(new_document(root, kind, ident, text, category if kind == "clause" else None))


def _ids(root: Path, folder: str) -> list[str]:
    return sorted(p.stem for p in (root / folder).glob("*.y*ml")) if (root / folder).is_dir() else []


@cli.command(name="list")
@click.argument("what", type=click.Choice(["clauses", "categories", "services", "service-types", "catalogs",
                                           "agreements", "parameters", "units", "frequencies", "forums"]))
@click.argument("agreement", required=False, shell_complete=_complete_ids("agreements"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def list_(root: Path, what: str, agreement: str | None, fmt: str) -> None:
    """Show what the library holds; `list parameters AGREEMENT`: each value per service and its source."""
    from generator.draft import listing
    from generator.report import print_rows

    if what in ("units", "frequencies", "forums"):
        rows = listing.choices(what)
    else:
        from generator.library.open import open_library

        library, _warnings = open_library(root)
        rows = listing.parameters(library, agreement) if what == "parameters" else listing.LISTS[what](library)
    print_rows(rows, fmt)


# --- review in git: diff, lint, verify, impact -------------------------------------------------

@cli.command()
@click.argument("revisions", nargs=-1, metavar="[REV_A [REV_B]]")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json", "docx"]), default="text",
              show_default=True, help="docx: a Word redline of --agreement with tracked changes.")
@click.option("--agreement", help="The agreement to redline (with --format docx and -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write  [default: stdout; required for docx]")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --format docx and no --agreement: a folder for a redline of every agreement the change "
                   "touches, and summary.md.")
@click.option("--author", help="Author of the tracked changes  [default: REV_B's commit author, or git's user.name]")
@click.option("--template", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Word template for the redline instead of the agreement's.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--exit-code", is_flag=True, help="Exit 1 when the library differs between the revisions.")
@click.pass_obj
def diff(root: Path, revisions: tuple[str, ...], fmt: str, agreement: str | None, output: Path | None,
         out_dir: Path | None, author: str | None, template: Path | None, color: str, exit_code: bool) -> None:
    """Compare the library between REV_A and REV_B, clause by clause (default: HEAD and the working tree)."""
    import os
    import sys

    from generator.core.errors import UsageError
    from generator.report import deliver

    old, new = _revision_pair(revisions)
    if out_dir is not None or (fmt == "docx" and not agreement and output is None):
        from generator.review.gitrev import WORKTREE, Repo, Revision
        from generator.review.redline import affected_redlines, summary_markdown

        if fmt != "docx" or agreement or output is not None or out_dir is None:
            raise UsageError("redlines of every affected agreement need --format docx and --out DIR "
                             "(one agreement: --agreement ID -o FILE)")
        repo = Repo(root)
        revs = repo.resolve(old), repo.resolve(new) if new else Revision(WORKTREE)
        results = affected_redlines(repo, *revs, author, template)
        summary = summary_markdown([o for o, _data in results], *revs)
        files = {o.file: data for o, data in results if data is not None} | {"summary.md": summary.encode("utf-8")}
        from generator.output import write_files

        for written in write_files(out_dir, files):
            click.echo(f"wrote {written}", err=True)
        click.echo(summary, nl=False)
        return
    if fmt == "docx" or agreement:
        from generator.review.gitrev import WORKTREE, Repo, Revision
        from generator.review.redline import agreement_redline

        if fmt != "docx" or not agreement or output is None:
            raise UsageError("a redline needs all of --format docx, --agreement ID and -o FILE")
        repo = Repo(root)
        revs = repo.resolve(old), repo.resolve(new) if new else Revision(WORKTREE)
        deliver(agreement_redline(repo, *revs, agreement, author, template), output, output, text=False)
        return
    from generator.review.diff import diff_revisions
    from generator.review.diff_writers import WRITERS

    result = diff_revisions(_library_root(root, new), old, new)
    tty = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    colored = fmt == "text" and (color == "always" or (color == "auto" and tty))
    if fmt == "md":  # the pull-request comment also says what the change does to each agreement
        from generator.core.errors import KlausulError
        from generator.review.consequences import consequences_revisions
        from generator.review.diff_writers import render_md
        from generator.review.effects import effects_between

        try:
            effects, problem = effects_between(root, old, new), None
        except KlausulError as exc:  # a revision whose library does not build: the diff itself still helps
            effects, problem = None, str(exc).splitlines()[0]
        text = render_md(result, effects, problem, consequences_revisions(_library_root(root, new), old, new))
    else:
        text = WRITERS[fmt](result, color=colored) if fmt == "text" else WRITERS[fmt](result)
    if output is None:  # revisions hold any bytes: no escape sequence of theirs reaches the terminal
        from generator.core.text import visible_keep_colors

        click.echo(visible_keep_colors(text), nl=False, color=colored or None)  # click would strip colours from a pipe
    else:
        deliver(text.encode("utf-8"), output, output, text=True)
    if exit_code and result.documents:
        click.get_current_context().exit(EXIT_PROBLEMS)


def _revision_pair(revisions: tuple[str, ...]) -> tuple[str, str | None]:
    """(REV_A, REV_B or None for the working tree) from the arguments; 'A..B' works as in git."""
    from generator.core.errors import UsageError

    if len(revisions) > 2:
        raise UsageError(f"diff takes at most two revisions, not {len(revisions)}")
    if len(revisions) == 1 and ".." in revisions[0]:
        a, _, b = revisions[0].partition("..")
        return a or "HEAD", b or "HEAD"
    return (revisions + ("HEAD",))[0], revisions[1] if len(revisions) == 2 else None


def _library_root(root: Path, revision: str | None) -> Path:
    from generator.library.open import check_root

    return check_root(root) if revision is None else root  # the working tree must hold a library


@cli.command()
@click.option("--base", default=None,
              help="Compare with where the linted state branched off this revision (git merge-base)  "
                   "[default: HEAD; with --rev, the commit's parent]")
@click.option("--staged", is_flag=True, help="Lint the files staged for commit (git's index), as the pre-commit "
              "hook does, not the working tree.")
@click.option("--rev", default=None, help="Lint this commit (in CI: HEAD), a merge against each of its parents.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Treat warnings (translation drift) as problems (exit 1).")
@click.option("--ack", is_flag=True, help="Record that the translations lint warns about were checked "
              "(writes translation_checked into those clauses); the warning returns on the next text change.")
@_root_here
@click.pass_obj
def lint(root: Path, base: str | None, staged: bool, rev: str | None, fmt: str, strict: bool, ack: bool) -> None:
    """Review checks for pre-commit and CI: version bumps, translation drift, retired and draft clauses."""
    from generator.core.errors import UsageError
    from generator.review.lint import lint_repo, render_json, render_text

    if staged and rev:
        raise UsageError("lint takes --staged or --rev, not both")
    if ack and rev:
        raise UsageError("lint --ack writes into the working tree; it cannot go with --rev")
    result = lint_repo(root if rev else _library_root(root, None), base, staged, rev)
    if ack:
        from generator.scaffold import acknowledge_translations

        for path in acknowledge_translations(root, [d.path for d in result.problems if d.code == "translation-drift"]):
            click.echo(f"{path}: translation_checked recorded", err=True)
        result = lint_repo(_library_root(root, None), base, staged, rev)
    from generator.core.text import visible

    if fmt == "json":
        click.echo(render_json(result, strict), nl=False)
    else:
        click.echo(visible(render_text(result)), nl=False, err=bool(result.problems))
    click.get_current_context().exit(EXIT_PROBLEMS if result.failed(strict) else 0)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--rev", default="HEAD", show_default=True, help="The revision of the library to check against.")
@click.option("--worktree", is_flag=True, help="Rebuild the draft from the working tree, not the file's commit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def verify(root: Path, file: Path, rev: str, worktree: bool, fmt: str) -> None:
    """Check that FILE (a generated .docx) still matches the library and its text the draft; exit 1 if not."""
    from generator.review.verify_writers import WRITERS
    from generator.review.verify import verify_repo

    from generator.core.text import visible

    result = verify_repo(root, file, rev, worktree)
    click.echo(WRITERS[fmt](result) if fmt == "json" else visible(WRITERS[fmt](result)), nl=False)
    click.get_current_context().exit(0 if result.matches else EXIT_PROBLEMS)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "json", "text", "docx"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write  [default: stdout; for docx FILE.review.docx]")
@click.option("--worktree", is_flag=True, help="Compare with the working tree, not the commit the file was built from.")
@click.pass_obj
def review(root: Path, file: Path, fmt: str, output: Path | None, worktree: bool) -> None:
    """Classify every clause of a returned draft FILE; exit 0 when all is unchanged or approved, 1 if not."""
    from generator.report import deliver
    from generator.review.returned import review_file
    from generator.review import returned_writers

    result = review_file(root, file, worktree)
    data = returned_writers.render_docx(result) if fmt == "docx" else returned_writers.WRITERS[fmt](result).encode()
    deliver(data, output, file.with_suffix(".review.docx"), text=fmt != "docx")
    click.get_current_context().exit(0 if result.approved else EXIT_PROBLEMS)


@cli.command()
@click.argument("clause", shell_complete=_complete_ids("clauses"))
@click.option("--rev", default=None, help="A git revision of the library  [default: the working tree]")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@click.pass_obj
def impact(root: Path, clause: str, rev: str | None, fmt: str) -> None:
    """The agreements and services that include CLAUSE: what a change to it touches."""
    from generator.review.gitrev import WORKTREE, Repo, Revision, open_at
    from generator.review.impact import impact as clause_impact
    from generator.review.impact_writers import WRITERS

    if rev is None:
        from generator.library.open import open_library

        library, revision = open_library(root)[0], Revision(WORKTREE)
    else:
        repo = Repo(root)
        revision = repo.resolve(rev)
        library = open_at(repo.snapshot(revision), root)
    from generator.core.text import visible

    out = WRITERS[fmt](clause_impact(library, clause, revision))
    click.echo(out if fmt == "json" else visible(out), nl=False)


def main() -> None:
    """The console entry point (`klausul`, `python -m generator`): the command, then a quick exit.

    Once the command has returned, every file it wrote is closed; what is left is the interpreter's
    teardown (freeing every module and object, ~40 ms), which a process about to end does not need.
    So the exit handlers run, stdout and stderr are flushed, and the process ends with os._exit and
    the same exit code. A flush that fails leaves the ending to the interpreter, as before.
    """
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover  (standalone click always raises SystemExit)
        code = 0
    threading = sys.modules.get("threading")
    if ((code is not None and not isinstance(code, int)) or sys.getprofile() or sys.gettrace()
            or (threading and any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()))):
        # a message instead of a number (Python prints it, exit 1), a profiler or coverage tracer
        # that writes its results at the interpreter's exit, or a thread Python would wait for
        raise SystemExit(code)
    import atexit

    atexit._run_exitfuncs()  # e.g. concurrent.futures joining its threads
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001  the interpreter reports it and picks the exit code, as before
        raise SystemExit(code)
    os._exit(code or 0)


if __name__ == "__main__":
    main()
