"""Measure Klausul's speed and memory against its targets; print the table and write bench/RESULTS.md.

    python bench/run.py [--repeats 5] [--quick] [--only SECTION] [--out FILE]

Every figure is measured in this one run; the things compared run alternately (A B A B ...), each
figure the median of the rounds, ratios the median of the rounds' paired ratios. Whole processes are
`sys.executable -m generator` (what the `klausul` script runs), never a shim on PATH; each section has its
own KLAUSUL_CACHE_DIR. Synthetic libraries come from bench/synth.py (deterministic). Sections:
pandoc, warm, batch, agreement, validate, large, review, imports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import traceback
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

import synth  # noqa: E402
from timing import Child, ChildFailed, child_env, klausul, run_child  # noqa: E402,F401  (run_child: the tests)

SAMPLE = "fjallby-kustlinjen-it"  # the README's sample agreement
MiB = 1024 * 1024
SECTIONS = ("pandoc", "warm", "batch", "agreement", "validate", "large", "review", "imports")


@dataclass
class Row:
    what: str
    measured: str
    against: str = ""
    target: str = ""
    result: str = ""


@dataclass
class Plan:
    """Sizes and repeats: the full run, or --quick for trying the script."""
    quick: bool
    repeats: int  # rounds of the short measurements
    long_repeats: int  # rounds of those that take seconds each (batch, validation of large libraries)
    batch_agreements: int
    agreement_libraries: tuple[int, ...]
    validate_libraries: tuple[int, ...]
    large_agreement: int
    redline_sizes: tuple[int, ...]
    review_clauses: int

    @classmethod
    def make(cls, quick: bool, repeats: int | None) -> "Plan":
        if quick:
            r = repeats or 2
            return cls(True, r, min(r, 2), 40, (500, 2000), (500, 1000, 2000), 201, (41, 201), 200)
        r = repeats or 5
        return cls(False, r, min(r, 3), 500, (5000, 20000), (5000, 10000, 20000), 1001, (41, 1001), 1000)


# --- helpers ----------------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def secs(seconds: float, cpu: float | None = None) -> str:
    """'0.412 s (CPU 0.398 s)'."""
    return f"{seconds:.3f} s" + (f" (CPU {cpu:.3f} s)" if cpu is not None else "")


def verdict(value: float, limit: float, unit: str = "s") -> str:
    """met, and by how much under; or missed, and by how much over."""
    if value <= limit:
        return f"met ({(1 - value / limit) * 100:.0f} % under)"
    over = value - limit
    shown = {"×": f"{over:.2f}×", "MiB": f"{over:.0f} MiB"}.get(unit, f"{over:.3f} s")
    return f"**missed** by {shown} (+{(value / limit - 1) * 100:.0f} %)"


class Libraries:
    """Synthetic libraries made once per run and shared by the sections that need the same one."""

    def __init__(self, work: Path):
        self.work = work
        self.plain: dict[tuple[int, int], Path] = {}
        self.sized_: dict[int, tuple[Path, str]] = {}

    def of(self, clauses: int, agreements: int = 10) -> Path:
        """A library of `clauses` clauses and `agreements` 40-clause agreements."""
        if (clauses, agreements) not in self.plain:
            started = time.perf_counter()
            root = self.work / f"lib-{clauses}-{agreements}"
            synth.generate(root, clauses, agreements)
            say(f"  synth: {clauses:,} clauses, {agreements} agreements in {time.perf_counter() - started:.1f} s")
            self.plain[(clauses, agreements)] = root
        return self.plain[(clauses, agreements)]

    def sized(self, size: int) -> tuple[Path, str]:
        """A library with one agreement of `size` clauses, and that agreement's id."""
        if size not in self.sized_:
            root = self.work / f"sized-{size}"
            self.sized_[size] = root, synth.sized_agreement(root, size)
        return self.sized_[size]


# --- the sections -------------------------------------------------------------------------------

def section_pandoc(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """Cold `klausul build` of the sample against pandoc converting the same edition's Markdown to .docx."""
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return [Row("cold build / pandoc", "not measured", "pandoc is not installed (apt-get install -y pandoc)")]
    cache = work / "cache-pandoc"
    md = work / "pandoc-md"
    run_child(klausul("build", SAMPLE, "--format", "md", "--out", str(md), "-q"), child_env(cache))
    contract_md, review_md = md / f"{SAMPLE}.contract.md", md / f"{SAMPLE}.md"
    for path in (contract_md, review_md):
        if not path.is_file():
            raise ChildFailed(f"`klausul build --format md` did not write {path.name}: {sorted(os.listdir(md))}")
    out = work / "pandoc-out"
    out.mkdir()
    cases = {  # name: (klausul arguments, the Markdown pandoc converts for the same content)
        "contract": (["--edition", "contract"], [contract_md]),
        "default": ([], [contract_md, review_md]),
    }
    written = {}
    for name, (extra, _) in cases.items():
        target = work / f"pandoc-klausul-{name}"
        run_child(klausul("build", SAMPLE, *extra, "--out", str(target), "-q"), child_env(cache))
        written[name] = sorted(f.removeprefix(SAMPLE) for f in os.listdir(target))

    def klausul_run(name: str, use_cache: bool) -> Child:
        return run_child(klausul("build", SAMPLE, *cases[name][0], "--out", str(work / f"pandoc-klausul-{name}"),
                                 "-q"), child_env(cache, use_cache))

    def pandoc_run(name: str) -> tuple[float, float]:
        runs = [run_child([pandoc, "-f", "markdown", "-t", "docx", str(src), "-o", str(out / (src.stem + ".docx"))])
                for src in cases[name][1]]
        return sum(r.seconds for r in runs), sum(r.cpu for r in runs)

    for name in cases:  # warm-up: bytecode written, the cache filled, files in the page cache
        klausul_run(name, True), klausul_run(name, False), pandoc_run(name)
    series = {(name, kind): [] for name in cases for kind in ("cache", "nocache", "pandoc")}
    for round_ in range(plan.repeats):
        for name in cases:  # A B C A B C ...: klausul with the cache, without it, pandoc
            a, b = klausul_run(name, True), klausul_run(name, False)
            p = pandoc_run(name)
            series[(name, "cache")].append((a.seconds, a.cpu))
            series[(name, "nocache")].append((b.seconds, b.cpu))
            series[(name, "pandoc")].append(p)
        say(f"  pandoc: round {round_ + 1}/{plan.repeats}")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    words = len(contract_md.read_text(encoding="utf-8").split())
    labels = {"contract": f"`build {SAMPLE} --edition contract` (writes {', '.join(written['contract'])})",
              "default": f"`build {SAMPLE}`, both editions and checklists (writes {', '.join(written['default'])})"}
    against = {"contract": f"{version} on the contract edition's Markdown ({words:,} words)",
               "default": f"{version} on both editions' Markdown (two processes, summed)"}
    rows = []
    for name in cases:
        p = series[(name, "pandoc")]
        p_wall, p_cpu = median([x[0] for x in p]), median([x[1] for x in p])
        for kind, note in (("cache", "validation cache warm"), ("nocache", "KLAUSUL_NO_CACHE=1")):
            k = series[(name, kind)]
            ratio = median([a[0] / b[0] for a, b in zip(k, p)])
            rows.append(Row(f"cold {labels[name]}, fresh process, {note}",
                            secs(median([x[0] for x in k]), median([x[1] for x in k])),
                            f"{against[name]}: {secs(p_wall, p_cpu)}; **{ratio:.2f}×**",
                            "≤ 0.6× pandoc" if kind == "cache" else "(≤ 0.6×)", verdict(ratio, 0.6, "×")))
    return rows


def section_warm(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """In this process, library open: build_files of one agreement against bare docxtpl on the same documents."""
    import bare_docxtpl

    saved = os.environ.get("KLAUSUL_NO_CACHE")
    os.environ["KLAUSUL_NO_CACHE"] = "1"  # this process reads each library once; no cache files from here
    try:
        from generator.build import build_files
        from generator.library.open import open_library

        template = bare_docxtpl.shipped_template()
        rows = []
        for label, root, agreement in ((f"sample `{SAMPLE}`", REPO, SAMPLE),
                                       ("synthetic 40-clause agreement", libs.of(100, plan.batch_agreements),
                                        "agreement-00000")):
            library, _ = open_library(root)
            contexts = bare_docxtpl.captured_contexts(lambda: build_files(library, agreement))
            _, files = build_files(library, agreement)
            docs = [data for name, data in files.items() if name.endswith(".docx")]
            if len(contexts) != len(docs):  # the writer no longer calls docxtpl once per document
                contexts = [None] * len(docs)
            inputs = [bare_docxtpl.bare_context(doc, template, ctx) for doc, ctx in zip(docs, contexts)]
            bare_docs = [bare_docxtpl.render(template, ctx) for ctx in inputs]
            ours_p = sum(bare_docxtpl.paragraphs(d) for d in docs)
            bare_p = sum(bare_docxtpl.paragraphs(d) for d in bare_docs)
            if bare_p < 0.95 * ours_p:
                raise RuntimeError(f"the bare baseline of {agreement} has {bare_p} paragraphs, Klausul's {ours_p}")

            def ours():
                build_files(library, agreement)

            def bare():
                for ctx in inputs:
                    bare_docxtpl.render(template, ctx)

            for _ in range(3):  # warm-up
                ours(), bare()
            a, b = [], []
            for _ in range(max(plan.repeats, 15)):
                a.append(_in_process(ours))
                b.append(_in_process(bare))
            ratio = median([x[0] / y[0] for x, y in zip(a, b)])
            rows.append(Row(f"warm build of {label} in one process: `build_files` ({len(files)} files: "
                            f"{len(docs)} Word editions and the checklists)",
                            secs(median([x[0] for x in a]), median([x[1] for x in a])),
                            f"bare docxtpl render + save of the same {len(docs)} documents ({bare_p} paragraphs, "
                            f"Klausul's {ours_p}; context {'from the real build' if contexts[0] else 'empty'}): "
                            f"{secs(median([y[0] for y in b]), median([y[1] for y in b]))}; **{ratio:.2f}×**",
                            "≤ 2× (earlier round)", verdict(ratio, 2, "×")))
        return rows
    finally:
        if saved is None:
            os.environ.pop("KLAUSUL_NO_CACHE", None)
        else:
            os.environ["KLAUSUL_NO_CACHE"] = saved


def _in_process(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def section_batch(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """Every agreement of a 100-clause library (40 clauses each) at --jobs 1, 2 and 4; and the peak memory."""
    root = libs.of(100, plan.batch_agreements)
    cache = work / "cache-batch"
    jobs = (1, 2, 4)

    def build(j: int, sample: bool = False) -> Child:
        return run_child(klausul("--root", str(root), "build", "--jobs", str(j), "--quiet", "--out",
                                 str(work / f"batch-out-{j}")), child_env(cache), sample_memory=sample)

    run_child(klausul("--root", str(root), "validate"), child_env(cache))  # warm-up: fills the cache
    runs = {j: [] for j in jobs}
    for round_ in range(plan.long_repeats):
        last = round_ == plan.long_repeats - 1  # its runs are also sampled for memory (50 ms, a few % of a core)
        for j in jobs:
            runs[j].append(build(j, sample=last))
        say(f"  batch: round {round_ + 1}/{plan.long_repeats}")
    memory = {j: runs[j][-1] for j in jobs}
    files = len(os.listdir(work / "batch-out-1"))
    rows = []
    for j in jobs:
        wall = median([r.seconds for r in runs[j]])
        cpu = median([r.cpu for r in runs[j]])
        speedup = median([a.seconds / b.seconds for a, b in zip(runs[1], runs[j])])
        m = memory[j]
        rows.append(Row(f"batch: `build --jobs {j}` of {plan.batch_agreements} agreements × 40 clauses "
                        f"({files} files), validation cache warm",
                        f"{secs(wall, cpu)}; {wall / plan.batch_agreements * 1000:.0f} ms per agreement",
                        ("" if j == 1 else f"`--jobs 1`: **{speedup:.2f}×** speed-up; ") +
                        f"peak memory: {m.tree_rss / MiB:.0f} MiB RSS summed over the process tree "
                        f"(PSS {m.tree_pss / MiB:.0f} MiB), largest process {m.max_rss / MiB:.0f} MiB",
                        "none this round (earlier: `--jobs 2` ≤ 15 s, ≤ 200 MiB)" if j == 2 else "",
                        (verdict(wall, 15) + "; memory " + verdict(m.tree_rss / MiB, 200, "MiB")) if j == 2 else ""))
    return rows


def section_agreement(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """One 40-clause agreement built from large libraries: time and peak RSS, the cache warm."""
    cache = work / "cache-agreement"
    sizes = plan.agreement_libraries

    def build(n: int) -> Child:
        return run_child(klausul("--root", str(libs.of(n)), "build", "agreement-00000", "--out",
                                 str(work / f"agreement-out-{n}"), "-q"), child_env(cache))

    first = {n: build(n) for n in sizes}  # fills the cache (the index) for this library
    for n in sizes:
        build(n)  # warm-up
    runs = {n: [] for n in sizes}
    for round_ in range(plan.repeats):
        for n in sizes:
            runs[n].append(build(n))
        say(f"  agreement: round {round_ + 1}/{plan.repeats}")
    rows = []
    for n in sizes:
        wall, cpu = median([r.seconds for r in runs[n]]), median([r.cpu for r in runs[n]])
        rss = max(r.max_rss for r in runs[n]) / MiB
        big = n == max(sizes)
        rows.append(Row(f"one 40-clause agreement (`build agreement-00000`: both editions and checklists) from a "
                        f"{n:,}-clause library, cache warm", f"{secs(wall, cpu)}; peak RSS {rss:.0f} MiB",
                        f"first run (cache empty): {secs(first[n].seconds, first[n].cpu)}, "
                        f"{first[n].max_rss / MiB:.0f} MiB",
                        "≤ 1 s and ≤ 150 MiB" if big else "",
                        f"time {verdict(wall, 1)}; memory {verdict(rss, 150, 'MiB')}" if big else ""))
    return rows


def section_validate(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """`klausul validate` without the cache, on its first run (writes it) and warm; sizes alternately."""
    sizes = plan.validate_libraries
    runs = {n: {"nocache": [], "first": [], "warm": []} for n in sizes}
    warnings = {}
    for n in sizes:  # warm-up: bytecode, the page cache
        run_child(klausul("--root", str(libs.of(n)), "validate"), child_env(work / "cache-validate-warmup"))
    for round_ in range(plan.long_repeats):
        for n in sizes:
            cache = work / f"cache-validate-{n}-{round_}"
            cmd = klausul("--root", str(libs.of(n)), "validate")
            runs[n]["nocache"].append(run_child(cmd, child_env(cache, use_cache=False)))
            runs[n]["first"].append(run_child(cmd, child_env(cache)))
            warm = run_child(cmd, child_env(cache))
            runs[n]["warm"].append(warm)
            warnings[n] = len(warm.stdout) + len(warm.stderr)
            shutil.rmtree(cache, ignore_errors=True)
        say(f"  validate: round {round_ + 1}/{plan.long_repeats}")
    rows = []
    for n in sizes:
        m = {k: (median([r.seconds for r in v]), median([r.cpu for r in v])) for k, v in runs[n].items()}
        big = n == max(sizes)
        rows.append(Row(f"validate {n:,} clauses, no cache (`KLAUSUL_NO_CACHE=1`)", secs(*m["nocache"]),
                        f"first run, writing the cache: {secs(*m['first'])}"))
        rows.append(Row(f"validate {n:,} clauses, cache warm ({warnings[n] // 1024} KiB of output)",
                        secs(*m["warm"]), f"no cache: {m['nocache'][0] / m['warm'][0]:.1f}× as long",
                        "≤ 1.5 s" if big else "", verdict(m["warm"][0], 1.5) if big else ""))
    return rows


def section_large(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """A whole `build AGREEMENT --edition contract` process for an agreement of 1,001 clauses, cache warm."""
    size = plan.large_agreement
    root, name = libs.sized(size)
    cache = work / "cache-large"

    def build() -> Child:
        return run_child(klausul("--root", str(root), "build", name, "--edition", "contract", "--out",
                                 str(work / "large-out"), "-q"), child_env(cache))

    first = build()
    build()
    runs = [build() for _ in range(plan.repeats)]
    wall, cpu = median([r.seconds for r in runs]), median([r.cpu for r in runs])
    return [Row(f"a {size:,}-clause agreement: `build {name} --edition contract`, cache warm",
                f"{secs(wall, cpu)}; peak RSS {max(r.max_rss for r in runs) / MiB:.0f} MiB",
                f"first run (cache empty): {secs(first.seconds, first.cpu)}",
                "≤ 0.8 s" if size == 1001 else "(≤ 0.8 s at 1,001)", verdict(wall, 0.8))]


def section_review(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """Redline, verify and diff as whole processes in real git repositories, after a first run (cache warm)."""
    import diff_bench  # its repository helpers, shared with bench/diff_bench.py
    import redline_bench

    cache = work / "cache-review"
    n = plan.review_clauses

    def redline(size: int) -> tuple[str, list[str], str, float | None]:
        root, name = libs.sized(size)
        repo = work / f"redline-{size}"
        shutil.copytree(root, repo)
        diff_bench.git(repo, "init", "-q", "-b", "main")
        diff_bench.git(repo, "add", "-A")
        diff_bench.git(repo, "commit", "-q", "-m", "library")
        diff_bench.revise(repo, range(1, 6))  # five of the agreement's common clauses: titles and versions
        diff_bench.git(repo, "commit", "-q", "-am", "revise")
        return (f"redline of a {size:,}-clause agreement (5 clauses revised): `diff --format docx --agreement "
                f"{name} HEAD~1 HEAD`", klausul("--root", str(repo), "diff", "--format", "docx", "--agreement", name,
                                                 "-o", str(work / f"redline-{size}.docx"), "HEAD~1", "HEAD"),
                "≤ 0.7 s" if size == 41 else "", 0.7 if size == 41 else None)

    def sample_redline():
        root, base = redline_bench.scenario(work / "redline-sample", "one word")
        return (f"redline of the sample `{SAMPLE}` (one word changed: bench/redline_bench.py's scenario)",
                klausul("--root", str(root), "diff", "--format", "docx", "--agreement", SAMPLE, "-o",
                        str(work / "redline-sample.docx"), base, "HEAD"), "", None)

    def verify():
        root = diff_bench.make_repo(work / "verify", n, changed=0)
        run_child(klausul("--root", str(root), "build", "agreement-00000", "--edition", "contract", "--out",
                          str(work / "verify-out"), "-q"), child_env(cache))
        return (f"`verify` of a 40-clause contract from a {n:,}-clause library",
                klausul("--root", str(root), "verify", str(work / "verify-out" / "agreement-00000.contract.docx")),
                "≤ 0.5 s", 0.5)

    def diff():
        root = diff_bench.make_repo(work / "diff", n, changed=n - 1)
        return (f"`diff --format md HEAD~1 HEAD`, all {n:,} clauses changed",
                klausul("--root", str(root), "diff", "--format", "md", "HEAD~1", "HEAD"), "≤ 0.5 s", 0.5)

    commands, rows = {}, []
    for setup in [*(lambda s=s: redline(s) for s in plan.redline_sizes), sample_redline, verify, diff]:
        try:  # a case that cannot be set up or run says so; the others are still measured
            label, cmd, target, limit = setup()
            commands[label] = (cmd, target, limit, run_child(cmd, child_env(cache)))  # the first run fills the cache
        except Exception as error:
            rows.append(Row(f"{getattr(setup, '__name__', 'a review case')}: **failed**", "",
                            _failure(error), "", ""))
    runs = {label: [] for label in commands}
    for round_ in range(plan.repeats):
        for label, (cmd, *_) in commands.items():
            runs[label].append(run_child(cmd, child_env(cache)))
        say(f"  review: round {round_ + 1}/{plan.repeats}")
    for label, (_, target, limit, first) in commands.items():
        wall, cpu = median([r.seconds for r in runs[label]]), median([r.cpu for r in runs[label]])
        rows.append(Row(label + ", cache warm", secs(wall, cpu),
                        f"first run (cache empty): {secs(first.seconds, first.cpu)}",
                        target, verdict(wall, limit) if limit else ""))
    return rows


def _failure(error: Exception) -> str:
    """A failure for a table cell: a failed child's message, else the traceback's end."""
    detail = str(error) if isinstance(error, ChildFailed) else traceback.format_exc()
    return detail.strip().replace("|", "\\|").replace("\n", "<br>")[-1500:]


def section_imports(plan: Plan, work: Path, libs: Libraries) -> list[Row]:
    """The per-command import-time table of bench/imports.py, where that script exists."""
    try:
        imports = importlib.import_module("imports")
    except ModuleNotFoundError as error:
        if error.name != "imports":
            raise
        return [Row("import time per command", "not measured", "bench/imports.py does not exist")]
    rows = imports.measure(repeats=plan.repeats, work=work / "imports")
    return [Row(f"imports of `klausul {row['command']}` ({row['modules']} modules)", f"{row['total_ms']:.0f} ms",
                "costliest: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in row["top"]))
            for row in rows]


RUNNERS = {"pandoc": section_pandoc, "warm": section_warm, "batch": section_batch, "agreement": section_agreement,
           "validate": section_validate, "large": section_large, "review": section_review,
           "imports": section_imports}
TITLES = {"pandoc": "Cold build against pandoc", "warm": "Warm build against bare docxtpl",
          "batch": "Batch", "agreement": "One agreement from a large library",
          "validate": "Validation of large libraries", "large": "A 1,001-clause agreement",
          "review": "Redline, verify and diff", "imports": "Import time per command"}


# --- the machine and the report -----------------------------------------------------------------

def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    ram = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    versions = {}
    for requirement in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]:
        dist = re.match(r"[A-Za-z0-9_.-]+", requirement)[0]
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "generator", "schemas", "bench")
    pandoc = shutil.which("pandoc")
    return {"cpu": cpu, "cores": os.cpu_count(), "usable": len(os.sched_getaffinity(0)), "ram": ram,
            "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
            "os": platform.platform(), "versions": versions,
            "pandoc": subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
            if pandoc else "not installed", "git": git("--version"),
            "commit": git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else ""),
            "load": os.getloadavg()}


def header(m: dict, plan: Plan, argv: list[str]) -> list[str]:
    return ["# Benchmark results", "",
            f"Written by `python bench/run.py{' ' + ' '.join(argv) if argv else ''}` on "
            f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}"
            + (" (**--quick: small sizes, not the figures of record**)" if plan.quick else "") + ". "
            f"Short measurements are the median of {plan.repeats} rounds (in-process ones of at least 15), long "
            f"ones (batch, validation) of {plan.long_repeats}; things compared ran alternately in each round and "
            "a ratio is the median of the rounds' paired ratios. Whole processes are `sys.executable -m "
            "generator` (what the `klausul` script runs), CPU time is user + system of the process and its "
            "children. Synthetic libraries: `bench/synth.py` (20 clauses for every service plus 10 per service "
            "type, two services per agreement, so 40 clauses each; 600-2,000 characters per clause and language).",
            "", "## Machine", "",
            f"- CPU: {m['cpu']}, {m['cores']} cores ({m['usable']} usable); RAM {m['ram'] / 2**30:.1f} GiB; {m['os']}",
            f"- {m['python']}",
            "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
            f"- {m['pandoc']}; {m['git']}",
            f"- Klausul at {m['commit']}",
            f"- Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in m['load'])}"]


def table(rows: list[Row]) -> list[str]:
    """A Markdown table of the rows; a row whose `what` is a block of text (another script's table) as it is."""
    lines, open_ = [], False
    for row in rows:
        if row.measured == "" and "\n" in row.what:
            lines += ["", row.what, ""] if open_ else [row.what, ""]
            open_ = False
            continue
        if not open_:
            lines += ["| what | measured | against | target | result |", "|---|---|---|---|---|"]
            open_ = True
        lines.append(f"| {row.what} | {row.measured} | {row.against} | {row.target} | {row.result} |")
    return lines


NOTES = """## How to read this

- A row's *result* compares its median with the target of the issue that set it ("met, n % under" or
  "missed by" how much). Rows without a target are there to explain the ones with one.
- The machine may be shared: the load average is recorded at the start, at the end and per section.
  Ratios of things measured alternately in the same rounds (A B A B) are less affected than single
  figures; CPU time is printed next to wall time because it is not stretched by other processes.
- *Cold build / pandoc*: both are fresh processes converting the same content, Klausul from YAML
  (validated, assembled, rendered, checklists written), pandoc from the Markdown Klausul wrote for the
  same edition(s). *Warm build / bare docxtpl*: one process with the library open; the baseline renders
  the template with the body Klausul made, by plain docxtpl use (`bench/bare_docxtpl.py`), for the same
  documents, so the ratio is the cost of everything Klausul does beyond filling a template.
- *Cache warm* means after a first run of the same command with the same `KLAUSUL_CACHE_DIR`; the first
  run (cache empty) is shown next to it.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=None, help="rounds (default 5; --quick 2)")
    parser.add_argument("--quick", action="store_true", help="small libraries and fewer rounds, for development")
    parser.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                        help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the report (default bench/RESULTS.md for a full run of every "
                             "section; with --quick or --only it is only printed)")
    args = parser.parse_args(argv)
    argv = list(sys.argv[1:] if argv is None else argv)
    plan = Plan.make(args.quick, args.repeats)
    sections = args.only or list(SECTIONS)
    started = time.perf_counter()
    m = machine()
    lines = header(m, plan, argv)
    print("\n".join(lines), flush=True)
    failed = []
    body = []
    with tempfile.TemporaryDirectory(prefix="klausul-bench-") as tmp:
        libs = Libraries(Path(tmp))
        for name in sections:
            load = os.getloadavg()[0]
            say(f"{TITLES[name]} ...")
            section_started = time.perf_counter()
            work = Path(tmp) / name
            work.mkdir()
            try:
                rows = RUNNERS[name](plan, work, libs)
            except Exception as error:  # one broken section must not lose the others' figures
                failed.append(name)
                rows = [Row(f"{TITLES[name]}: **failed**", "", _failure(error))]
            part = ["", f"## {TITLES[name]}", "",
                    f"Section `{name}`: {time.perf_counter() - section_started:.0f} s, load average "
                    f"{load:.2f} at its start.", "", *table(rows)]
            print("\n".join(part), flush=True)
            body += part
    end = os.getloadavg()
    footer = ["", f"Load average at the end: {', '.join(f'{x:.2f}' for x in end)}; the whole run took "
              f"{(time.perf_counter() - started) / 60:.1f} min." +
              (f" Failed sections: {', '.join(failed)}." if failed else ""), "", NOTES]
    print("\n".join(footer), flush=True)
    out = args.out or (HERE / "RESULTS.md" if not args.quick and not args.only else None)
    if out is not None:
        text = "\n".join(lines + body + footer).rstrip() + "\n"
        partial = out.with_name(out.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out)  # atomic: a reader never sees half a report
        say(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
