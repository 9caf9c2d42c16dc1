"""One agreement from a large library, and `validate` of large libraries: time, CPU and peak RSS.

    python bench/index_bench.py [--repeats 5] [--cold-repeats 1] [--work DIR] [--compare OTHER_CHECKOUT]

Each measurement is a fresh `python -m generator.cli` process; its peak RSS is the child's own
`ru_maxrss` from os.wait4 (whole process, not sampled). Figures are medians. With --compare, the
same commands also run against another checkout of the generator (put first on PYTHONPATH),
alternately with this one, so that load on the machine affects both alike. `run()` is what
bench/run.py calls.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

AGREEMENT = "agreement-00000"
AGREEMENT_SIZES = (5000, 20000)
VALIDATE_SIZES = (5000, 10000, 20000)
MiB = 1024 * 1024


def _env(cache: Path, code: Path | None, use_cache: bool = True) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "KLAUSUL_NO_CACHE")}
    env["KLAUSUL_CACHE_DIR"] = str(cache)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    if not use_cache:
        env["KLAUSUL_NO_CACHE"] = "1"
    return env


def measure(args: list[str], env: dict, expect: int | None = 0) -> dict:
    """Wall seconds, CPU seconds and peak RSS (bytes) of one fresh klausul process (expect: its exit
    code; None for any that is not an internal error)."""
    cmd = [sys.executable, "-m", "generator.cli", *args]
    start = time.perf_counter()
    # stdout and stderr to files: a pipe read only after the exit hangs once it fills
    with open(os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        # `-m` puts the working folder first on sys.path: run in the checkout being measured
        process = subprocess.Popen(cmd, env=env, cwd=env.get("PYTHONPATH", REPO), stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != expect and (expect is not None or process.returncode not in (0, 1)):
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} exited {process.returncode}:\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024}


def libraries(work: Path, sizes) -> dict[int, Path]:
    """The synthetic libraries, generated once per work folder (synth.py writes the same bytes each time)."""
    roots = {}
    for n in sizes:
        root = work / f"lib-{n}"
        marker = root / ".synth-done"
        if not marker.exists():
            synth.generate(root, n, 10)
            marker.write_text("done\n")
        roots[n] = root
    return roots


def _median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def run(work: Path, repeats: int = 5, variants: dict[str, Path | None] | None = None,
        say=lambda message: None, cold_repeats: int = 1) -> dict:
    """{variant: {"agreement": {n: {mode: medians}}, "validate": {n: {mode: medians}}}}; modes are
    warm (cache filled; `repeats` runs), cold (first run, empty cache) and nocache (KLAUSUL_NO_CACHE=1;
    `cold_repeats` runs each: a cold run of 20,000 clauses takes a minute). Variants alternate."""
    variants = variants or {"current": None}
    roots = libraries(work, sorted(set(AGREEMENT_SIZES) | set(VALIDATE_SIZES)))
    runs: dict = {v: {"agreement": {}, "validate": {}} for v in variants}
    for round_ in range(max(repeats, cold_repeats)):
        cold = round_ < cold_repeats
        warm = round_ < repeats
        for n in AGREEMENT_SIZES:
            for name, code in variants.items():
                cache, out = work / f"cache-{name}-agreement-{n}", work / f"out-{name}"
                build = ["--root", str(roots[n]), "build", AGREEMENT, "--out", str(out), "-q"]
                found = runs[name]["agreement"].setdefault(n, {"warm": [], "cold": [], "nocache": []})
                if round_ == 0:  # fills the cache this variant's warm runs read
                    shutil.rmtree(cache, ignore_errors=True)
                    found["cold"].append(measure(build, _env(cache, code)))
                if warm:
                    found["warm"].append(measure(build, _env(cache, code)))
                if cold:
                    found["nocache"].append(measure(build, _env(cache, code, use_cache=False)))
            say(f"  one agreement of {n}: round {round_ + 1}")
        for n in VALIDATE_SIZES:
            for name, code in variants.items():
                cache = work / f"cache-{name}-validate-{n}"
                check = ["--root", str(roots[n]), "validate"]
                found = runs[name]["validate"].setdefault(n, {"warm": [], "cold": [], "nocache": []})
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
                    found["cold"].append(measure(check, _env(cache, code), expect=None))
                    found["nocache"].append(measure(check, _env(cache, code, use_cache=False), expect=None))
                if warm:
                    found["warm"].append(measure(check, _env(cache, code), expect=None))
            say(f"  validate {n}: round {round_ + 1}")
    return {name: {what: {n: {mode: _median(r) for mode, r in modes.items() if r} for n, modes in sizes.items()}
                   for what, sizes in kinds.items()} for name, kinds in runs.items()}


def table(results: dict) -> str:
    """The results as a Markdown table."""
    lines = ["| variant | command | library | mode | wall s | CPU s | peak RSS MiB |", "|---|---|---|---|---|---|---|"]
    for name, kinds in results.items():
        for what, sizes in kinds.items():
            for n, modes in sizes.items():
                for mode, m in modes.items():
                    label = "build 1 agreement (40 clauses)" if what == "agreement" else "validate"
                    lines.append(f"| {name} | {label} | {n:,} clauses | {mode} | {m['seconds']:.2f} | "
                                 f"{m['cpu']:.2f} | {m['rss'] / MiB:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="warm runs of each")
    parser.add_argument("--cold-repeats", type=int, default=1, help="cold and no-cache runs of each")
    parser.add_argument("--work", type=Path, default=Path("/tmp/klausul-index-bench"))
    parser.add_argument("--compare", type=Path, help="another checkout of the generator, run alternately")
    parser.add_argument("--json", type=Path, help="also write the medians here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    variants = {"current": None, **({"compared": args.compare.resolve()} if args.compare else {})}
    results = run(args.work, args.repeats, variants, say=lambda m: print(m, file=sys.stderr, flush=True),
                  cold_repeats=args.cold_repeats)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
