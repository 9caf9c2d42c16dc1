"""Print pip constraints that pin every dependency (and test extra) to its declared lower bound.

    python tools/lowest_constraints.py > lowest.txt && pip install -c lowest.txt -e '.[test]'

.ci/run does this once, so the lower bounds in pyproject.toml are versions the suite has passed on.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def lowest(requirements: list[str]) -> list[str]:
    """`name==version` for each requirement with a `>=` bound; every requirement must have one."""
    pins = []
    for requirement in requirements:
        found = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*[^;]*?>=\s*([0-9][^,;\s]*)", requirement)
        if not found:
            sys.exit(f"{requirement!r} has no lower bound (>=); declare one")
        pins.append(f"{found[1]}=={found[2]}")
    return pins


def main() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    extras = [r for group in project.get("optional-dependencies", {}).values() for r in group]
    print("\n".join(lowest(project["dependencies"] + extras)))


if __name__ == "__main__":
    main()
