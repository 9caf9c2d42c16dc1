"""What the coverage-regression check adds to `klausul lint` on a large library in a real git repository.

    python bench/consequences_bench.py [--clauses 1000] [--agreements 20] [--runs 3] [--out bench/RESULTS-consequences.md]

Builds a synthetic library with bench/synth.py, commits it, changes one clause's text (with a version
bump) and times `lint` with and without the consequences check (which assembles every agreement the
changed file can touch at both revisions); medians of several runs, the two interleaved.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import synth  # noqa: E402

from generator.review import lint as lint_module  # noqa: E402

GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=dict(os.environ, **GIT_ENV), capture_output=True, check=True)


def timed(root: Path, with_consequences: bool) -> float:
    original = lint_module.consequences
    if not with_consequences:
        lint_module.consequences = lambda *a, **k: ()
    try:
        start = time.perf_counter()
        lint_module.lint_repo(root, "HEAD")
        return time.perf_counter() - start
    finally:
        lint_module.consequences = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=1000)
    parser.add_argument("--agreements", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-consequences.md")
    args = parser.parse_args()
    os.environ["KLAUSUL_NO_CACHE"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lib"
        synth.generate(root, args.clauses, args.agreements)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "library")
        path = sorted((root / "clauses").rglob("*.yaml"))[0]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("version: 1.0.0", "version: 1.0.1", 1) + "\n", encoding="utf-8")
        with_c, without = [], []
        for _ in range(args.runs):
            with_c.append(timed(root, True))
            without.append(timed(root, False))
    a, b = statistics.median(with_c), statistics.median(without)
    lines = ["# `klausul lint` with the coverage-regression check", "",
             f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores; "
             f"`python bench/consequences_bench.py --clauses {args.clauses} --agreements {args.agreements} "
             f"--runs {args.runs}`, validation cache off, medians.", "",
             "| library | lint with consequences | lint without | added |", "|---|---|---|---|",
             f"| {args.clauses} clauses, {args.agreements} agreements, one clause changed | {a:.2f} s | {b:.2f} s | "
             f"{a - b:.2f} s |", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
