"""Time `validate` and `build --format md` on pathological clause text of growing size.

Each case writes the small hardening test library with one clause whose text is the pathological
pattern repeated n times, then runs the command in a fresh process (no cache) and prints the
seconds per size and the ratio between the last two sizes (near 2 for a doubling when time is linear).

    python bench/pathological.py                # all cases, sizes 500 .. 4,000 (a few minutes)
    python bench/pathological.py --sizes 1000 2000 4000 --case brackets

The sizes stay under the limits (a text of at most 32,767 characters, a spreadsheet cell; a
file of at most 1 MiB); a non-zero exit is shown with the file's size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIBRARY = REPO / "tests" / "data" / "hardening" / "library"


def _clause(text_sv: str, text_en: str, params: list[str]) -> str:
    decls = "".join(f"  '{p}': {{type: integer, min: 1, max: 9, default: 2, label: {{sv: x, en: x}}}}\n"
                    for p in params)
    return ("id: notify\nversion: 1.0.0\nstatus: approved\ncategory: incident-management\n"
            "obligation: shall\nlanguages: [sv, en]\ntitle: {sv: T, en: T}\n"
            f"text:\n  sv: |\n{_indent(text_sv)}  en: |\n{_indent(text_en)}"
            f"parameters:\n{decls}covers: [hard:1]\nverification: {{sv: V., en: V.}}\n")


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def case_brackets(n: int) -> str:
    text = "Leverantören ska " + "[" * n + " {{ p }}."
    return _clause(text, text.replace("Leverantören ska", "The Supplier shall"), ["p"])


def case_one_param(n: int) -> str:
    text = "Värde " + " ".join(["{{p}}"] * n) + "."
    return _clause(text, text, ["p"])


def _name(i: int) -> str:
    name = ""
    while True:
        i, rest = divmod(i, 26)
        name = "abcdefghijklmnopqrstuvwxyz"[rest] + name
        if not i:
            return name


def case_many_params(n: int) -> str:
    names = [_name(i) for i in range(n)]  # short names: the text must fit a spreadsheet cell (32,767)
    text = "Värden " + " ".join(f"{{{{{p}}}}}" for p in names) + "."
    return _clause(text, text, names)


def case_unclosed_braces(n: int) -> str:
    text = "Text {{ p }} " + "{{ x" * n
    return _clause(text, text, ["p"])


def case_link_parens(n: int) -> str:
    text = "Text {{ p }} " + "[a](b " * n
    return _clause(text, text, ["p"])


CASES = {"brackets": case_brackets, "one-param": case_one_param, "many-params": case_many_params,
         "unclosed-braces": case_unclosed_braces, "link-parens": case_link_parens}


# Timed inside a fresh process, after the imports, so that interpreter start-up and imports (about a
# second on this machine) does not hide the curve; the best of --repeats runs.
_TIMED = """
import sys, time
from click.testing import CliRunner
from generator.cli import cli
import generator.batch, generator.build, generator.draft.check, generator.render.docx  # imports not timed
started = time.perf_counter()
result = CliRunner().invoke(cli, sys.argv[1:])
print(time.perf_counter() - started, result.exit_code)
"""


def _time(root: Path, *args: str) -> tuple[float, int]:
    env = dict(os.environ, KLAUSUL_NO_CACHE="1")
    done = subprocess.run([sys.executable, "-c", _TIMED, "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900)
    seconds, code = done.stdout.split()[-2:]
    return float(seconds), int(code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("| case | command | " + " | ".join(f"n={n}" for n in args.sizes) + " | last ratio |")
    print("|---|---|" + "---|" * len(args.sizes) + "---|")
    for name in args.case or CASES:
        for command in (["validate"], ["build", "first", "--format", "md", "--jobs", "1", "--quiet"]):
            times = []
            for n in args.sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    root = Path(tmp) / "lib"
                    shutil.copytree(LIBRARY, root)
                    (root / "clauses" / "notify.yaml").write_text(CASES[name](n), encoding="utf-8")
                    runs = [_time(root, *command) for _ in range(args.repeats)]
                    seconds, code = min(runs)
                    size = (root / "clauses" / "notify.yaml").stat().st_size
                    times.append(f"{seconds:.2f} s" + (f" (exit {code}: {size // 1024} KiB file)" if code else ""))
            ratio = float(times[-1].split()[0]) / max(float(times[-2].split()[0]), 1e-9) if len(times) > 1 else 0.0
            print(f"| {name} | {command[0]} | " + " | ".join(times) + f" | {ratio:.1f} |", flush=True)


if __name__ == "__main__":
    main()
