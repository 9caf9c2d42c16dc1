"""Speed of the review commands as whole processes, with the review store cold and warm.

    python bench/review_bench.py [--runs 5] [--code DIR ...] [--out bench/RESULTS-review.md]

Cases, each in a real git repository: a Word redline of the shipped sample's fjallby-kustlinjen-it
(41 clauses) with one word changed; a redline of a synthetic agreement that includes all 1,000 clauses
of a synthetic library, one word changed; `verify` of a 40-clause agreement built from a 1,000-clause
library; `diff` between two commits of that library where every clause changed. "cold" starts each run
with an empty cache directory; "warm" runs after one run has filled it. Medians of wall and CPU time
(the process and its children). With several `--code` folders (checkouts of the generator package),
runs alternate between them (A B A B ...), so that load on the machine falls on both alike.

`measure()` is what bench/run.py calls: {case: {"cold": {...}, "warm": {...}}} for the current code.
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
REPO = HERE.parent
sys.path[:0] = [str(HERE)]

import synth  # noqa: E402  (bench/synth.py, the shared library generator)

GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2027-03-01T10:00:00Z", "GIT_COMMITTER_DATE": "2027-03-01T10:00:00Z"}
SAMPLE = "fjallby-kustlinjen-it"
SAMPLE_CLAUSE = "clauses/service-levels-and-reporting/security-reporting.yaml"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=dict(os.environ, **GIT_ENV), capture_output=True,
                          text=True, check=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def bump(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^version: (\d+)\.(\d+)\.(\d+)$", lambda m: f"version: {m[1]}.{m[2]}.{int(m[3]) + 1}",
                           text, count=1, flags=re.M), encoding="utf-8")


def sample_repo(work: Path) -> Path:
    """The shipped sample library, committed, then one word of one clause changed and committed."""
    root = work / "sample"
    for folder in ("clauses", "services", "catalogs", "agreements", "terms"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "klausul.yaml", root / "klausul.yaml")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "library")
    edit(root / SAMPLE_CLAUSE, "Leverantören ska", "Leverantören skall")
    bump(root / SAMPLE_CLAUSE)
    commit_all(root, "one word")
    return root


def synthetic_repo(work: Path, name: str, clauses: int, changed: int, include_all: bool = False) -> Path:
    """A synthetic library committed; then the titles of the first `changed` clauses revised and committed."""
    root = work / name
    synth.generate(root, clauses, agreements=10)
    if include_all:  # agreement-00000 holds every clause
        path = root / "agreements" / "agreement-00000.yaml"
        ids = ", ".join(f"clause-{n:05d}" for n in range(clauses))
        path.write_text(path.read_text(encoding="utf-8") + f"include: [{ids}]\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "library")
    for n in range(changed):
        path = next((root / "clauses").rglob(f"clause-{n:05d}.yaml"))
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"Klausul {n}: ", f"Klausul {n} (reviderad): ", 1).replace(
            f"Clause {n}: ", f"Clause {n} (revised): ", 1)
        path.write_text(text, encoding="utf-8")
        bump(path)
    if changed:
        commit_all(root, "revise")
    return root


def cases(work: Path, clauses: int = 1000) -> dict[str, list[str]]:
    """The command lines of the measured cases (arguments after `klausul`)."""
    sample = sample_repo(work)
    large = synthetic_repo(work, "redline-1k", clauses, changed=1, include_all=True)
    everything = synthetic_repo(work, "diff-1k", clauses, changed=clauses)
    verified = synthetic_repo(work, "verify-1k", clauses, changed=0)
    subprocess.run(klausul("--root", str(verified), "build", "agreement-00000", "--out", str(work), "-q"),
                   check=True, cwd=REPO, capture_output=True, env=child_env(work / "build-cache"))
    docx = next(work.glob("agreement-00000*.docx"))
    return {
        f"redline {SAMPLE} (41 clauses), one word": [
            "--root", str(sample), "diff", "--format", "docx", "--agreement", SAMPLE, "-o",
            str(work / "sample.redline.docx"), "HEAD~1", "HEAD"],
        f"redline of {clauses} clauses, one word": [
            "--root", str(large), "diff", "--format", "docx", "--agreement", "agreement-00000", "-o",
            str(work / "large.redline.docx"), "HEAD~1", "HEAD"],
        f"verify, {clauses}-clause library": ["--root", str(verified), "verify", str(docx)],
        f"diff, all {clauses} clauses changed": ["--root", str(everything), "diff", "HEAD~1", "HEAD"],
    }


def klausul(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator.cli", *args]


def child_env(cache: Path, code: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "KLAUSUL_NO_CACHE")}
    env["KLAUSUL_CACHE_DIR"] = str(cache)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def run_once(args: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process (CPU: user + system of it and its children)."""
    start = time.perf_counter()
    process = subprocess.Popen(klausul(*args), env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _stdout, stderr = process.communicate()  # read while it runs: a full pipe must not stall the child
    wall = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"klausul {' '.join(args)} failed ({process.returncode}):\n{stderr.decode()}")
    return wall, _cpu()


_CPU = [0.0]


def _cpu() -> float:
    """CPU seconds of the children that ended since the last call."""
    import resource

    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = now.ru_utime + now.ru_stime
    spent, _CPU[0] = total - _CPU[0], total
    return spent


def measure(runs: int = 5, clauses: int = 1000, codes: list[Path | None] | None = None,
            say=lambda message: None) -> dict:
    """{code: {case: {"cold": {"wall": s, "cpu": s}, "warm": {...}}}}, runs alternating between the codes."""
    codes = codes or [None]
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="klausul-review-bench-") as tmp:
        work = Path(tmp)
        say("building the repositories ...")
        commands = cases(work, clauses)
        _cpu()
        for name, args in commands.items():
            say(name)
            samples = {(c, state): ([], []) for c in range(len(codes)) for state in ("cold", "warm")}
            warm_dirs = {c: work / f"warm-{c}" for c in range(len(codes))}
            for c, code in enumerate(codes):  # fill each code's warm store once
                run_once(args, child_env(warm_dirs[c], code), code or REPO)
            for n in range(runs):
                for c, code in enumerate(codes):
                    cold = work / f"cold-{c}-{n}"
                    for state, cache in (("cold", cold), ("warm", warm_dirs[c])):
                        wall, cpu = run_once(args, child_env(cache, code), code or REPO)  # -m looks in the cwd first
                        samples[(c, state)][0].append(wall)
                        samples[(c, state)][1].append(cpu)
                    shutil.rmtree(cold, ignore_errors=True)
            for (c, state), (walls, cpus) in samples.items():
                results.setdefault(c, {}).setdefault(name, {})[state] = {
                    "wall": statistics.median(walls), "cpu": statistics.median(cpus), "runs": len(walls)}
    return results


def table(results: dict, codes: list[str]) -> str:
    lines = ["| case | code | cold wall | cold CPU | warm wall | warm CPU |", "|---|---|---:|---:|---:|---:|"]
    names = list(next(iter(results.values())))
    for name in names:
        for c, label in enumerate(codes):
            r = results[c][name]
            lines.append(f"| {name} | {label} | {r['cold']['wall']:.2f} s | {r['cold']['cpu']:.2f} s | "
                         f"{r['warm']['wall']:.2f} s | {r['warm']['cpu']:.2f} s |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clauses", type=int, default=1000)
    parser.add_argument("--code", type=Path, action="append", help="a checkout whose generator/ to run (repeatable)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    codes = args.code or [None]
    labels = [str(c) if c else "this checkout" for c in codes]
    load = os.getloadavg()[0]
    results = measure(args.runs, args.clauses, codes, say=lambda m: print(m, file=sys.stderr, flush=True))
    text = "\n".join([
        "# Review commands from the cache", "",
        f"`python bench/review_bench.py --runs {args.runs}`: whole processes, medians of {args.runs} runs "
        f"(wall, and CPU of the process with its children); {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load:.1f} before and {os.getloadavg()[0]:.1f} after.", "",
        table(results, labels), ""])
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
