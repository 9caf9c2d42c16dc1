"""Cold start, before and after: whole `klausul build` processes of two code versions and pandoc,
run alternately (A B pandoc A B pandoc ...) so that the machine's load falls on all alike.

    python bench/coldstart_ab.py [--before main] [--repeats 9]

The version `--before` (a git revision) is exported with `git archive` into a temporary folder
and run from there (its own package first on sys.path); the working tree is the "after". Each
runs on its own copy of the shipped library with its own warm caches. Reported per case: median
wall time and median CPU time (user + system, from wait4) of the whole process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = "fjallby-kustlinjen-it"
CASES = {"build (contract)": ["--edition", "contract"], "build (both editions)": []}


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process; it must exit 0."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    error = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)}: {error[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def checkout(revision: str, into: Path) -> Path:
    """The code of `revision` with a copy of the shipped library beside it."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def working_tree(into: Path) -> Path:
    into.mkdir(parents=True)
    for name in ("generator", "schemas", "clauses", "services", "catalogs", "agreements", "terms", "klausul.yaml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy(source, into / name)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main")
    parser.add_argument("--repeats", type=int, default=9)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="klausul-ab-"))
    trees = {"before": checkout(options.before, work / "before"), "after": working_tree(work / "after")}
    pandoc = shutil.which("pandoc")
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for case, extra in CASES.items():
        commands = {}
        for name, tree in trees.items():
            env = {k: v for k, v in os.environ.items() if k not in ("KLAUSUL_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
            env.update(KLAUSUL_CACHE_DIR=str(work / f"cache-{name}"), PYTHONPATH=str(tree))
            command = [sys.executable, "-m", "generator", "build", SAMPLE, "--out", str(work / f"out-{name}"),
                       "-q", *extra]
            commands[name] = (command, tree, env)
            for _ in range(2):  # warm: bytecode, validation cache, parsed Markdown, page cache
                timed(command, tree, env)
        if pandoc:
            md = work / "md"
            subprocess.run([sys.executable, "-m", "generator", "build", SAMPLE, "--format", "md", "--out", str(md),
                            "-q"], cwd=trees["after"], env=commands["after"][2], check=True,
                           stderr=subprocess.DEVNULL)
            commands["pandoc"] = ([pandoc, str(md / f"{SAMPLE}.md"), "-o", str(work / "pandoc.docx")], work,
                                  dict(os.environ))
        for _ in range(options.repeats):
            for name, (command, cwd, env) in commands.items():
                results.setdefault((case, name), []).append(timed(command, cwd, env))
    load = os.getloadavg()
    print(f"{options.repeats} runs each, interleaved; {os.cpu_count()} cores, load average {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f}; before = {options.before}, after = working tree\n")
    print("| case | version | wall s (median) | CPU s (median) | wall / pandoc |")
    print("|---|---|---:|---:|---:|")
    for (case, name), runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        ratio = ""
        if pandoc and name != "pandoc":
            ratio = f"{wall / statistics.median(w for w, _ in results[(case, 'pandoc')]):.2f}"
        print(f"| {case} | {name} | {wall:.3f} | {cpu:.3f} | {ratio} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
