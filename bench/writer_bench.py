"""Speed of the Word writer by draft size: body splicing and zip writing at 41 / 201 / 1,001 clauses.

    python bench/writer_bench.py [--repeats 7] [--sizes 41 201 1001]

Builds a synthetic library (bench/synth.py) with one agreement per size: the 20 common clauses, the
10 clauses of each of its services and one explicitly included clause, so 20 + 10 × services + 1.
Prints, per size, the medians of the writer's steps in this process (CPU time) (the body XML, the template
around it, the splice, the zip: generator/render/docx.py TIMED_STEPS) and of the whole
`klausul build AGREEMENT --edition contract` process with the validation cache and the prepared
template warm (wall and CPU), the sizes interleaved. `measure()` returns the figures and `report()`
formats them, for bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

SIZES = (41, 201, 1001)


def services_for(size: int) -> int:
    """Services an agreement of `size` clauses names: 20 common + 10 per service + 1 included."""
    services, rest = divmod(size - synth.COMMON - 1, synth.PER_TYPE)
    if rest or services < 1:
        raise SystemExit(f"a size must be 21 + a multiple of {synth.PER_TYPE}: {size}")
    return services


def make_library(out: Path, sizes: tuple[int, ...] = SIZES) -> dict[int, str]:
    """A synthetic library with one agreement `writer-<size>` of exactly `size` clauses per size."""
    types = max(services_for(s) for s in sizes) + 1  # one type more: its first clause is the included one
    synth.generate(out, synth.COMMON + synth.PER_TYPE * types, 1)
    names = {}
    for size in sizes:
        count = services_for(size)
        included = synth.COMMON + synth.PER_TYPE * count  # the first clause of the next service type
        name = f"writer-{size}"
        (out / "agreements" / f"{name}.yaml").write_text("\n".join([
            f"id: {name}", f"title: \"Avtal om informationssäkerhet, {size} klausuler\"", "version: 1.0.0",
            "status: draft", "language: sv", "date: 2027-01-01", "scope: \"Benchmark för Word-skrivaren.\"",
            "parties:",
            "  - {role: customer, name: Kommun W, org_number: 212000-0001, contact_role: Samordnare}",
            "  - {role: supplier, name: Leverantör W AB, org_number: 559000-0001, contact_role: CISO}",
            f"services: [{', '.join(f'service-{t:05d}' for t in range(count))}]",
            f"catalogs: [{', '.join(sorted(synth.CATALOGS))}]",
            f"include: [clause-{included:05d}]", ""]), encoding="utf-8")
        names[size] = name
    return names


def _steps(library, agreement: str, repeats: int) -> dict:
    """Medians of the CPU seconds of the writer's steps for one draft, in this process, after a warm-up
    (CPU time: on a shared machine wall time in one process mostly measures the others)."""
    from generator.draft.assemble import assemble
    from generator.draft.editions import edition
    from generator.render import docx as writer

    draft = edition(assemble(library, agreement), "contract")
    timings: dict[str, list[float]] = {}
    real = {name: getattr(writer, name) for name in writer.TIMED_STEPS}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                timings.setdefault(name, []).append(time.process_time() - start)
        return wrapper

    try:
        for name, fn in real.items():
            setattr(writer, name, timed(name, fn))
        writer.render_docx(draft)  # warm-up: the template's preparation is cached after the first build
        timings.clear()
        total = []
        for _ in range(repeats):
            start = time.process_time()
            data = writer.render_docx(draft)
            total.append(time.process_time() - start)
    finally:
        for name, fn in real.items():
            setattr(writer, name, fn)
    out = {name: statistics.median(values) for name, values in timings.items()}
    out["render_docx"] = statistics.median(total)
    out["clauses"] = len(draft.clauses)
    out["bytes"] = len(data)
    return out


def _process(root: Path, agreement: str, out: Path, env: dict) -> tuple[float, float]:
    """Wall and CPU seconds of one `klausul build AGREEMENT --edition contract` process."""
    cmd = [sys.executable, "-m", "generator.cli", "--root", str(root), "build", agreement, "--edition", "contract",
           "--quiet", "--jobs", "1", "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(work: Path, repeats: int = 7, sizes: tuple[int, ...] = SIZES) -> dict[int, dict]:
    """Per size: the writer's step medians in this process and the whole build process (wall, CPU)."""
    from generator.library.open import open_library

    root = work / "writer-library"
    names = make_library(root, sizes)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["KLAUSUL_CACHE_DIR"] = str(work / "writer-cache")
    env.pop("KLAUSUL_NO_CACHE", None)
    library = open_library(root)[0]
    results = {size: _steps(library, names[size], repeats) for size in sizes}
    for size in sizes:  # warm the validation cache and the bytecode
        _process(root, names[size], work / "writer-out", env)
    runs: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
    for _ in range(repeats):  # sizes interleaved, so that load affects each alike
        for size in sizes:
            runs[size].append(_process(root, names[size], work / "writer-out", env))
    for size in sizes:
        results[size]["process_wall"] = statistics.median(w for w, _ in runs[size])
        results[size]["process_cpu"] = statistics.median(c for _, c in runs[size])
    return results


def report(results: dict[int, dict]) -> str:
    """The figures as a Markdown table, with the time per clause between the sizes."""
    from generator.render.docx import TIMED_STEPS

    steps = [s for s in (*TIMED_STEPS, "render_docx") if any(s in r for r in results.values())]
    head = "| clauses | " + " | ".join(f"{s.strip('_')} CPU ms" for s in steps) + " | process wall s | process CPU s |"
    lines = [head, "|" + "---|" * (len(steps) + 3)]
    for size, r in results.items():
        cells = " | ".join(f"{1000 * r[s]:.1f}" if s in r else "-" for s in steps)
        lines.append(f"| {r['clauses']} | {cells} | {r['process_wall']:.3f} | {r['process_cpu']:.3f} |")
    sizes = sorted(results)
    for a, b in zip(sizes, sizes[1:]):
        ra, rb = results[a], results[b]
        more = rb["clauses"] - ra["clauses"]
        lines.append(f"\nper clause {ra['clauses']}→{rb['clauses']}: process "
                     f"{1000 * (rb['process_cpu'] - ra['process_cpu']) / more:.2f} ms CPU"
                     + "".join(f", {s.strip('_')} {1e6 * (rb[s] - ra[s]) / more:.1f} µs"
                               for s in steps if s in ra and s in rb))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(report(measure(Path(tmp), args.repeats, tuple(args.sizes))))


if __name__ == "__main__":
    main()
