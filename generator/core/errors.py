"""Diagnostics with source positions, the one exception root, and the documented exit codes."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Documented exit codes (README "Exit codes"); the CLI maps exceptions to them in one place.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # the library or an agreement has problems (diagnostics, gaps under --strict)
EXIT_USAGE = 2  # the command line is wrong (click's own usage errors use 2 as well)
EXIT_OUTPUT = 3  # a template or an output file could not be used or written
EXIT_INTERNAL = 70  # a bug in Klausul; rerun with --debug for the traceback


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a source file, with the position a user can jump to."""

    path: str
    line: int
    key: str
    message: str
    code: str
    severity: str = "error"

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.path}:{self.line}:{key} {self.message} [{self.code}]"

    def as_dict(self) -> dict:
        return asdict(self)


class KlausulError(Exception):
    """Root of every error a user can cause; carries the exit code the CLI returns."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])


class LibraryError(KlausulError):
    """The library files have problems; `diagnostics` lists every one of them."""


class BuildError(KlausulError):
    """An agreement cannot be turned into a complete draft (e.g. an unresolved placeholder)."""


class UsageError(KlausulError):
    """The command line names something that does not exist (an agreement id, a directory)."""

    exit_code = EXIT_USAGE


class GitError(UsageError):
    """A revision or repository git cannot give us: unknown revision, shallow history, no repository, no git."""


class OutputError(KlausulError):
    """A template cannot be used or an output file cannot be written."""

    exit_code = EXIT_OUTPUT
