"""The GitHub Actions job in the README, run as written (but for posting the comment) on a pull request
against the shipped library: GitHub checks out the merge of the branch into its base."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.gitrepo import ENV

KLAUSUL_BIN = Path(sys.executable).parent


def _job() -> dict:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(\s*name: klausul\n.*?)```", readme, re.S).group(1)
    return yaml.safe_load(block)


def _git(top: Path, *args: str) -> str:
    env = dict(os.environ, **ENV, GIT_AUTHOR_DATE="2027-03-01T10:00:00Z", GIT_COMMITTER_DATE="2027-03-01T10:00:00Z")
    done = subprocess.run(["git", *args], cwd=top, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_readme_ci_job_runs_on_a_pull_request(tmp_path):
    job = _job()
    trigger = job.get("on", job.get(True))  # YAML 1.1 reads a bare `on` as true; GitHub does not
    assert trigger["pull_request"]["paths"] and job["permissions"]["pull-requests"] == "write"
    steps = job["jobs"]["review"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout") and steps[0]["with"]["fetch-depth"] == 0
    top = tmp_path / "library"
    for folder in ("clauses", "services", "catalogs", "agreements"):
        shutil.copytree(REPO / folder, top / folder)
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "library")
    _git(top, "checkout", "-q", "-b", "feature")
    clause = top / "clauses" / "subcontracting" / "cloud-service-security.yaml"
    text = clause.read_text(encoding="utf-8")
    text = text.replace("ISO/IEC 27017 och ISO/IEC 27018", "ISO/IEC 27017, ISO/IEC 27018 och ISO/IEC 27001")
    text = text.replace("ISO/IEC 27017 and ISO/IEC 27018", "ISO/IEC 27017, ISO/IEC 27018 and ISO/IEC 27001")
    major, minor, _patch = re.search(r"^version: (\d+)\.(\d+)\.(\d+)$", text, re.M).groups()
    old_version, new_version = f"{major}.{minor}.{_patch}", f"{major}.{int(minor) + 1}.0"
    clause.write_text(text.replace(f"version: {old_version}", f"version: {new_version}", 1), encoding="utf-8")
    _git(top, "commit", "-q", "-am", "cloud: 27001 too")
    _git(top, "checkout", "-q", "main")
    _git(top, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")  # refs/pull/N/merge
    env = dict(os.environ, PATH=f"{KLAUSUL_BIN}:{os.environ['PATH']}", BASE="main~1")
    ran = []
    for step in steps:
        script = step.get("run", "")
        if "klausul" not in script or script.startswith("pip install"):
            continue
        script = "\n".join(line for line in script.splitlines() if "gh pr comment" not in line
                           and not line.strip().startswith("|| gh"))
        done = subprocess.run(["bash", "-e", "-c", script], cwd=top, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (step.get("name"), done.stdout, done.stderr)
        ran.append(step.get("name"))
    assert len(ran) == 4
    comment = (top / "diff.md").read_text(encoding="utf-8")
    assert f"| changed | clause `cloud-service-security` | {old_version} → {new_version} |" in comment
    assert "**agreement `fjallby-cloud-collaboration`**" in comment
    assert "ISO/IEC 27017<ins>, ISO/IEC 27018</ins> and ISO/IEC <del>27018</del><ins>27001</ins>" in comment
    assert sorted(p.name for p in (top / "redlines").iterdir()) == [
        "fjallby-cloud-collaboration.redline.docx", "summary.md"]
