"""Speed of the round trip on the shipped sample: `klausul verify` and `klausul review` of a built and an edited draft.

Builds the shipped library's first sample in a temporary git repository, edits it with python-docx
as a counterparty would (tests/roundtrip_edits.py), and times each command as a whole process,
median of --repeats runs after one warm-up. Writes bench/RESULTS-roundtrip.md (or prints with --print).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.roundtrip_edits import (clause_paragraphs, open_docx, replace_words, save,  # noqa: E402
                                   shipped_repo)

AGREEMENT = "fjallby-kustlinjen-it"


def _time(args: list[str], cwd: Path, repeats: int) -> float:
    env = dict(os.environ, KLAUSUL_CACHE_DIR=str(cwd / ".cache"))
    runs = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True)
        if i:  # the first run warms the validation cache and the bytecode
            runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--print", action="store_true", help="print instead of writing RESULTS-roundtrip.md")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = shipped_repo(Path(folder) / "lib")
        subprocess.run([sys.executable, "-m", "generator", "build", AGREEMENT, "-q"], cwd=root, check=True)
        built = root / "output" / f"{AGREEMENT}.docx"
        document = open_docx(built.read_bytes())
        replace_words(clause_paragraphs(document, "Testinformation"), "5\u00a0arbetsdagar", "8\u00a0arbetsdagar")
        replace_words(clause_paragraphs(document, "Säkerhetsloggning och tidssynkronisering"), "Leverantören",
                      "Kunden")
        edited = root / "edited.docx"
        edited.write_bytes(save(document))
        rows = [("verify, unedited draft", _time(["verify", str(built)], root, options.repeats)),
                ("verify, edited draft", _time(["verify", str(edited)], root, options.repeats)),
                ("review, unedited draft", _time(["review", str(built)], root, options.repeats)),
                ("review, edited draft (a value and a word)", _time(["review", str(edited)], root, options.repeats))]
    load = os.getloadavg()[0]
    lines = ["# Round trip: verify and review", "",
             f"Shipped sample `{AGREEMENT}` (51 clauses), whole process, median of {options.repeats} runs; "
             f"load average {load:.1f} at the end. `python bench/roundtrip_bench.py`.", "",
             "| command | seconds |", "|---|---|"] + [f"| {name} | {seconds:.2f} |" for name, seconds in rows]
    text = "\n".join(lines) + "\n"
    if options.print:
        print(text, end="")
    else:
        (HERE / "RESULTS-roundtrip.md").write_text(text, encoding="utf-8")
        print(text, end="")


if __name__ == "__main__":
    main()
