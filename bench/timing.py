"""Run a child process to its end and measure it: wall and CPU time, peak memory; never a full pipe.

A child's stdout and stderr go to temporary files, so a child that writes more than a pipe holds
(`validate` of a large library writes its warnings) cannot block while the runner waits for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TAIL = 3000  # characters of a failing child's stderr shown


class ChildFailed(RuntimeError):
    """A measured process exited with a code it should not have, or ran past its time."""


@dataclass
class Child:
    seconds: float  # wall time from start to exit
    cpu: float  # user + system time of the process and the children it waited for
    max_rss: int  # bytes: the largest single process (ru_maxrss)
    tree_rss: int  # bytes, summed over the process tree at the sampled peak (0 unless sampled)
    tree_pss: int
    returncode: int
    stdout: bytes
    stderr: bytes


def klausul(*args: str) -> list[str]:
    """The `klausul` command of this checkout, run by this interpreter (never a shim on PATH)."""
    return [sys.executable, "-m", "generator", *args]


def child_env(cache: Path | None = None, use_cache: bool = True, **extra: str) -> dict:
    """A measured process's environment: bytecode written and read as after a normal install, its own cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "KLAUSUL_NO_CACHE")}
    if cache is not None:
        env["KLAUSUL_CACHE_DIR"] = str(cache)
    if not use_cache:
        env["KLAUSUL_NO_CACHE"] = "1"
    env.update(extra)
    return env


def run_child(cmd: list[str], env: dict | None = None, cwd: Path = REPO, timeout: float = 1800,
              sample_memory: bool = False, ok: tuple[int, ...] = (0,)) -> Child:
    """Run cmd to its end; ChildFailed (with its stderr's tail) on another exit code or after `timeout` s."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True)  # its own group: a timeout ends its workers too
        expired = threading.Event()
        killer = threading.Timer(timeout, _kill_group, (process.pid, expired))
        killer.daemon = True
        killer.start()
        finished, peaks = threading.Event(), [0, 0]
        sampler = threading.Thread(target=_sample, args=(process.pid, finished, peaks), daemon=True)
        if sample_memory:
            sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)  # blocks without polling: exact wall time
        finally:
            finished.set()
            killer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if sample_memory:
            sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if expired.is_set():
        raise ChildFailed(f"{_show(cmd)} did not finish in {timeout:.0f} s and was killed{_tail(stderr)}")
    if code not in ok:
        raise ChildFailed(f"{_show(cmd)} failed (exit {code}){_tail(stderr)}")
    return Child(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, peaks[0], peaks[1],
                 code, stdout, stderr)


def _kill_group(pid: int, expired: threading.Event) -> None:
    expired.set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _show(cmd: list[str]) -> str:
    return " ".join(str(a) for a in cmd)


def _tail(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").rstrip()
    if not text:
        return "; it wrote nothing to stderr"
    cut = len(text) > TAIL
    return f"; the {'last ' if cut else ''}lines of its stderr:\n" + ("..." if cut else "") + text[-TAIL:]


def _sample(root: int, finished: threading.Event, peaks: list[int]) -> None:
    """Every 50 ms until the process ends: the largest RSS and PSS summed over its process tree."""
    while not finished.wait(0.05):
        rss, pss = tree_memory(root)
        peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)


def tree_memory(root: int) -> tuple[int, int]:
    """Current RSS and PSS, in bytes, of a process and all its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    rss = pss = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss
