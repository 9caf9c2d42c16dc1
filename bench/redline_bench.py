"""Speed of the Word redline on the shipped library in a real git repository.

    python bench/redline_bench.py [--runs 3] [--out bench/RESULTS-redline.md]

Copies the shipped library into a scratch repository and times `agreement_redline` for
fjallby-kustlinjen-it (its draft has about 80 headings and 600 paragraphs) between two commits: one
changed word, a clause moved to another category (moves), the agreement switched to English (every
paragraph changes), and a range of three commits (each change credited to its commit, so the draft
is also built at the commit between). Medians of several runs, CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.review.gitrev import Repo  # noqa: E402
from generator.review.redline import agreement_redline  # noqa: E402

AGREEMENT = "fjallby-kustlinjen-it"
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
CLAUSE = "clauses/service-levels-and-reporting/security-reporting.yaml"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=dict(os.environ, **GIT_ENV), capture_output=True, check=True)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bumped(root: Path, rel: str, minor: bool) -> tuple[str, str]:
    """The clause's `version:` line and the same with the patch (or minor) number raised: (old, new)."""
    major, mid, patch = re.search(r"^version: (\d+)\.(\d+)\.(\d+)$", (root / rel).read_text(encoding="utf-8"),
                                  re.M).groups()
    new = f"{major}.{int(mid) + 1}.0" if minor else f"{major}.{mid}.{int(patch) + 1}"
    return f"version: {major}.{mid}.{patch}", f"version: {new}"


def scenario(base: Path, name: str) -> tuple[Path, str]:
    """A repository whose HEAD differs from the returned base revision as the scenario says."""
    root = base / name
    for folder in ("clauses", "services", "catalogs", "agreements"):
        shutil.copytree(HERE.parent / folder, root / folder)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "library")
    if name == "one word":
        edit(root, CLAUSE, *bumped(root, CLAUSE, minor=False))
        edit(root, CLAUSE, "Leverantören ska", "Leverantören skall")
    elif name == "moved clause":
        moved = "clauses/governance/security-reporting.yaml"
        git(root, "mv", CLAUSE, moved)
        edit(root, moved, "category: service-levels-and-reporting", "category: governance")
        edit(root, moved, *bumped(root, moved, minor=True))
    elif name == "every paragraph":
        edit(root, f"agreements/{AGREEMENT}.yaml", "language: sv", "language: en")
    else:  # three commits
        for n, change in enumerate([("Leverantören ska", "Leverantören skall"), None]):
            edit(root, CLAUSE, *(change or bumped(root, CLAUSE, minor=True)))
            git(root, "commit", "-q", "-am", f"step {n}")
        edit(root, f"agreements/{AGREEMENT}.yaml", "language: sv", "language: en")
        git(root, "commit", "-q", "-am", "step 3")
        return root, "HEAD~3"
    git(root, "commit", "-q", "-am", name)
    return root, "HEAD~1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-redline.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("one word", "moved clause", "every paragraph", "three commits"):
            root, base = scenario(Path(tmp), name)
            repo = Repo(root)
            times, size = [], 0
            for _ in range(args.runs):
                start = time.process_time()
                data = agreement_redline(repo, repo.resolve(base), repo.resolve("HEAD"), AGREEMENT)
                times.append(time.process_time() - start)
                size = len(data)
            rows.append(f"| {name} | {base}..HEAD | {statistics.median(times):.2f} s | {size // 1024} KiB |")
    text = "\n".join([
        "# Redline speed", "",
        f"`python bench/redline_bench.py --runs {args.runs}` on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}: `agreement_redline` for `{AGREEMENT}` of "
        "the shipped library, median CPU seconds of this process (the machine is shared, so wall time varies "
        "more). Each redline includes its own check that accepting and rejecting every change give the two "
        "drafts, numbers and contents links included.", "",
        "| change | range | CPU time | file |", "|---|---|---|---|", *rows, ""])
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
