"""Build many agreements: in worker processes when there are several, reported in a fixed order.

Workers only render (agreement → file bytes); the parent writes every file atomically and prints,
so a Ctrl-C can never stop a worker half-way through a file, and the messages come out in the
order of the agreements whatever order the workers finish in.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import EXIT_INTERNAL, Diagnostic, KlausulError
from generator.core.model import Library


@dataclass(frozen=True)
class Failure:
    """A KlausulError as plain data, so that it can cross from a worker process."""

    exit_code: int
    message: str
    diagnostics: tuple[Diagnostic, ...] = ()
    trace: str = ""  # the traceback as text, printed with --debug

    @classmethod
    def internal(cls, agreement: str, exc: BaseException) -> "Failure":
        """An unexpected exception while building one agreement: exit 70, the traceback for --debug."""
        trace = "".join(traceback.format_exception(exc))
        return cls(EXIT_INTERNAL, f"{agreement}: internal error while building ({type(exc).__name__}); please "
                   "report it with the output of the same command run with --debug", (), trace)

    @classmethod
    def of(cls, exc: KlausulError) -> "Failure":
        trace = "".join(traceback.format_exception(exc))
        return cls(exc.exit_code, str(exc), tuple(exc.diagnostics), trace)


@dataclass(frozen=True)
class Outcome:
    """One agreement's result: its files and coverage summary, or why it failed."""

    agreement: str
    files: dict[str, bytes] = field(default_factory=dict)
    summary: str = ""
    failure: Failure | None = None


# What every build of one batch shares; set in the parent, inherited by forked workers.
_JOB: dict = {}


def build_all(root: Path, agreements: tuple[str, ...], out: Path, formats: tuple[str, ...],
              template: Path | None, jobs: int | None = None, quiet: bool = False,
              editions: tuple[str, ...] | None = None) -> int:
    """Build each agreement (all when none is named); the most serious exit code of those that failed."""
    from generator.library.open import open_library
    from generator.output import write_files
    from generator.report import BatchReport, print_warnings
    from generator.core.workers import default_jobs

    started = time.perf_counter()
    library, warnings = open_library(root, agreements)  # named agreements: only what they can use
    print_warnings(warnings)
    ids = list(agreements or sorted(library.agreements))
    jobs = min(jobs or default_jobs(), len(ids)) or 1
    report = BatchReport(ids, quiet)
    with report:
        for index, outcome in _outcomes(library, ids, formats, template, jobs, editions):
            written = []
            if outcome.failure is None:
                try:
                    written = write_files(out, outcome.files)
                except KlausulError as exc:
                    outcome = Outcome(outcome.agreement, failure=Failure.of(exc))
                except Exception as exc:  # noqa: BLE001  one agreement's files, not the whole batch
                    outcome = Outcome(outcome.agreement, failure=Failure.internal(outcome.agreement, exc))
            report.add(index, Outcome(outcome.agreement, summary=outcome.summary, failure=outcome.failure),
                       written)  # the file bytes are on disk now; only the lines wait for their turn
    return report.finish(time.perf_counter() - started)


def _outcomes(library: Library, ids: list[str], formats: tuple[str, ...], template: Path | None, jobs: int,
              editions: tuple[str, ...] | None = None):
    """(index, Outcome) of each agreement as it is done: in this process with one job, else in workers."""
    job = (library, tuple(formats), template, editions)
    if jobs <= 1:
        _set_job(*job)
        for index, agreement in enumerate(ids):
            yield index, build_one(agreement)
        return
    from generator import build  # noqa: F401  imported once before forking rather than once per worker
    from generator.core.workers import run

    if "docx" in formats:
        from generator.render import docx  # noqa: F401
    _set_job(*job)
    yield from run(build_one, ids, jobs, initializer=_set_job, initargs=job)


def _set_job(library: Library, formats: tuple[str, ...], template: Path | None,
             editions: tuple[str, ...] | None = None) -> None:
    _JOB.update(library=library, formats=formats, template=template, editions=editions)


def build_one(agreement: str) -> Outcome:
    """Render one agreement of the current batch; a KlausulError becomes its Failure."""
    from generator.build import build_files
    from generator.report import coverage_summary

    try:
        editions = _JOB.get("editions")
        draft, files = build_files(_JOB["library"], agreement, _JOB["formats"], _JOB["template"],
                                   **({"editions": editions} if editions else {}))
        return Outcome(agreement, files, coverage_summary(draft))
    except KlausulError as exc:
        return Outcome(agreement, failure=Failure.of(exc))
    except Exception as exc:  # a bug hits this agreement only; the others are still built and written
        return Outcome(agreement, failure=Failure.internal(agreement, exc))
