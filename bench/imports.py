"""Import time per command: what each `klausul` command loads before it does anything, and what
that costs. Writes bench/RESULTS-imports.md.

    python bench/imports.py [--repeats 5]

Each command runs in a fresh `python -X importtime -m generator ...` process on a copy of the
shipped library, once to warm the caches (validation, parsed Markdown) and then `repeats` times;
the table gives the median total import time (the sum of every module's own time), the packages
that cost most (their modules' own times summed, medians) and the number of modules loaded.
`bench/run.py` calls `measure()` and `table()`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = "fjallby-kustlinjen-it"
TOP = 6  # packages named per command

# (label, arguments after `--root LIBRARY`); {out} is a fresh folder for written files
COMMANDS = [
    ("--help", ["--help"]),
    ("list clauses", ["list", "clauses"]),
    ("validate", ["validate"]),
    ("coverage", ["coverage", SAMPLE]),
    ("build (contract)", ["build", SAMPLE, "--out", "{out}", "-q", "--edition", "contract"]),
    ("build (both editions)", ["build", SAMPLE, "--out", "{out}", "-q"]),
    ("build --format md", ["build", SAMPLE, "--out", "{out}", "-q", "--format", "md"]),
    ("export requirements csv", ["export", "requirements", SAMPLE, "--format", "csv"]),
    ("export requirements xlsx", ["export", "requirements", SAMPLE, "--format", "xlsx", "-o", "{out}/r.xlsx"]),
    ("followup ics", ["followup", SAMPLE, "--format", "ics"]),
]

_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


def parse_importtime(stderr: str) -> dict[str, int]:
    """Module name → its own import time in microseconds, from `-X importtime` output."""
    found = {}
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match:
            found[match.group(4)] = int(match.group(1))
    return found


def run_once(library: Path, args: list[str], out: Path, env: dict) -> dict[str, int]:
    """One process's modules and their own import times (exit code checked: 0 expected)."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-X", "importtime", "-m", "generator", "--root", str(library),
               *[a.replace("{out}", str(out)) for a in args]]
    done = subprocess.run(command, env=env, cwd=library, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return parse_importtime(done.stderr)


def measure(repeats: int = 5, work: Path | None = None) -> list[dict]:
    """Per command: label, median total ms, modules loaded, and the costliest packages (name, median ms)."""
    work = Path(work or tempfile.mkdtemp(prefix="klausul-imports-"))
    library = work / "library"
    if not library.exists():
        for folder in ("clauses", "services", "catalogs", "agreements", "terms"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, library / folder)
        if (REPO / "klausul.yaml").is_file():
            shutil.copy(REPO / "klausul.yaml", library / "klausul.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("KLAUSUL_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}
    env["KLAUSUL_CACHE_DIR"] = str(work / "cache")
    rows = []
    for label, args in COMMANDS:
        run_once(library, args, work / "out", env)  # warm: bytecode, validation cache, parsed Markdown
        runs = [run_once(library, args, work / "out", env) for _ in range(repeats)]
        packages: dict[str, list[float]] = {}
        for modules in runs:
            per_package: dict[str, int] = {}
            for name, own in modules.items():
                top = name.split(".")[0]
                per_package[top] = per_package.get(top, 0) + own
            for top, own in per_package.items():
                packages.setdefault(top, []).append(own / 1000)
        costly = sorted(((statistics.median(v), k) for k, v in packages.items()), reverse=True)[:TOP]
        rows.append({"command": label,
                     "total_ms": statistics.median(sum(m.values()) / 1000 for m in runs),
                     "modules": int(statistics.median(len(m) for m in runs)),
                     "top": [(name, ms) for ms, name in costly],
                     "loaded": sorted(set().union(*runs))})
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    lines = ["| command | import ms (median) | modules | costliest packages (own ms, median) |",
             "|---|---:|---:|---|"]
    for row in rows:
        top = ", ".join(f"{name} {ms:.1f}" for name, ms in row["top"])
        lines.append(f"| `klausul {row['command']}` | {row['total_ms']:.1f} | {row['modules']} | {top} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    rows = measure(options.repeats)
    text = (f"# Import time per command\n\nFrom `python bench/imports.py --repeats {options.repeats}` "
            f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.2f} at the end): `-X importtime` of each command on a copy of the shipped "
            f"library, caches warm, the median of {options.repeats} processes. The costliest packages sum their "
            "modules' own times; `generator` is Klausul itself.\n\n" + table(rows) + "\n")
    (HERE / "RESULTS-imports.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
