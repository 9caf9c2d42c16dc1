"""Run a function over many items in worker processes; results come back with their index.

Workers are forked where the platform allows it, so that what the parent has already loaded (the
library, docxtpl) is shared instead of being loaded or pickled again; elsewhere they are spawned and
`initializer` gets its arguments by pickling. Workers ignore Ctrl-C: the parent alone handles it,
at the next finished item, cancels what has not started and waits for what has, so no worker is
killed half-way and no file is left half-written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Any, Callable, Iterable, Iterator


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(function: Callable[[Any], Any], items: Iterable, jobs: int,
        initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[tuple[int, Any]]:
    """(index, function(item)) for each item as soon as it is done, in `jobs` worker processes.

    An exception raised by `function` is raised here, after the pending items are cancelled.
    """
    # imported here: a build of one agreement never starts a worker, and these cost ~15 ms to import
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    items = list(items)
    sys.stdout.flush()  # a forked worker flushes its copy of these buffers when it ends
    sys.stderr.flush()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with _deferred_ctrl_c() as interrupted:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start,
                                   initargs=(initializer, initargs, os.getpid()))
        try:
            pending = {pool.submit(function, item): index for index, item in enumerate(items)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=pending.get):  # several at once: in input order
                    index = pending.pop(future)
                    yield index, future.result()
                if interrupted():
                    raise KeyboardInterrupt
        finally:  # normal end, an error, Ctrl-C or the caller stopping early
            pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _deferred_ctrl_c():
    """While workers run, the first Ctrl-C only sets a flag that `run` checks between results.

    A KeyboardInterrupt raised at any moment can land inside concurrent.futures while it holds a
    future's lock, and shutting the pool down then waits forever. A second Ctrl-C raises at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    pressed = []

    def handler(signum, frame):
        if pressed:
            signal.default_int_handler(signum, frame)
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(pressed)
    finally:
        signal.signal(signal.SIGINT, previous)


def _start(initializer: Callable[..., None] | None, initargs: tuple, parent: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    if initializer is not None:
        initializer(*initargs)


def _die_with(parent: int | None) -> None:
    """End this worker when the parent dies (SIGKILL included), instead of running on as an orphan.

    Linux delivers SIGTERM to us when the parent thread ends (prctl PR_SET_PDEATHSIG); elsewhere a
    daemon thread polls the parent's pid. Either way a parent that died before this ran is caught.
    """
    if parent is None:
        return
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            armed = ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
