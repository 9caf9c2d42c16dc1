"""bench/run.py's process runner: a child that writes more than a pipe holds finishes, a failing child shows
its stderr's end, a child past its time is killed (the benchmark once hung on `validate`'s warnings)."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
MiB = 2**20


def _runner():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # its dataclasses look their module up there
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved  # bench/ (synth, timing, ...) stays off the other tests' path
    return module


run = _runner()


def _within(seconds: float, fn):
    """fn's result, or the test fails if fn has not returned after `seconds` (instead of hanging the suite)."""
    outcome = {}

    def call():
        try:
            outcome["value"] = fn()
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the runner did not return within {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_child_writing_a_megabyte_to_each_stream_finishes_and_is_measured():
    code = ("import sys\nsys.stderr.write('e' * 2**20)\nsys.stderr.flush()\nsys.stdout.write('o' * 2**20)\n"
            "sum(range(3_000_000))")
    child = _within(120, lambda: run.run_child([sys.executable, "-c", code], timeout=100))
    assert child.returncode == 0
    assert child.stderr == b"e" * MiB and child.stdout == b"o" * MiB  # nothing lost either
    assert 0 < child.cpu and 0 < child.seconds < 100
    assert child.max_rss > MiB


def test_a_failing_child_raises_with_the_end_of_its_stderr():
    code = "import sys\nsys.stderr.write('x' * 2**20 + '\\nthe real reason')\nsys.exit(3)"
    with pytest.raises(run.ChildFailed) as failed:
        _within(120, lambda: run.run_child([sys.executable, "-c", code], timeout=100))
    message = str(failed.value)
    assert "exit 3" in message and message.rstrip().endswith("the real reason")
    assert len(message) < 5000  # the tail, not the megabyte


def test_a_child_past_its_time_is_killed_with_its_workers():
    code = ("import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
            "print('started', flush=True)\ntime.sleep(120)")
    with pytest.raises(run.ChildFailed, match="did not finish in 2 s"):
        _within(60, lambda: run.run_child([sys.executable, "-c", code], timeout=2))


def test_memory_sampling_sees_the_process_tree():
    code = ("import subprocess, sys\nsubprocess.run([sys.executable, '-c', "
            "'import time; b = bytearray(80 * 2**20); time.sleep(0.6)'], check=True)")
    child = _within(120, lambda: run.run_child([sys.executable, "-c", code], timeout=100, sample_memory=True))
    assert child.tree_rss >= 80 * MiB  # the grandchild's 80 MiB, summed into the tree
    assert child.max_rss >= 80 * MiB  # wait4's usage covers the children it waited for
