"""The extract stage's process pool, whose processes die with the crawl whatever kills it.

A crawl stopped by SIGKILL (or the OOM killer) runs no clean-up: its pool workers and the
multiprocessing forkserver that forks them would live on, idle, holding ~190 MB each. On
Linux each of them asks the kernel for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``): the forkserver when the crawl dies (it imports
:mod:`aggregator.pipelines.forkserver_guard` as a preload), each worker when the forkserver
dies (:func:`die_with_parent`, the pool's initializer). Elsewhere this does nothing.

Starting a pool must not stall the reactor: the forkserver imports and warms extraction
(:mod:`aggregator.pipelines.forkserver_warm`, ~1-2 s) before it forks anything, and a
``submit`` that has to start a process waits for that. :func:`start_workers` starts the
forkserver from the calling (reactor) thread, which returns at once, and forks the workers
from a helper thread; the future it returns says when they are up.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PRELOAD = ["aggregator.pipelines.forkserver_guard", "aggregator.pipelines.forkserver_warm"]
# The pid a pool process's parent must have: set by the crawl for its forkserver, and by the
# forkserver for the workers it forks. A parent that died before the child asked for
# PDEATHSIG is then noticed (the child's parent is already init, not the one expected).
PARENT_ENV = "AGGREGATOR_POOL_PARENT"
STARTUP_HOLD = 0.05  # seconds; the submits of start_workers take microseconds

_shared: Executor | None = None
_shared_ready: Future[None] | None = None


def start_forkserver() -> None:
    """Start the pool's forkserver now: its warm-up (~1.4 s of imports, the language model and
    the concept table) then runs beside the crawl's own start instead of after it.

    A one-shot crawl calls this at launch, from the thread that will run the crawl (see
    :func:`new_pool`); its pool, opened later, finds the server running and only forks. The
    price is that warm-up's CPU on a run that turns out to have nothing new; a long-lived
    worker's crawls share one pool and pay it once.
    """
    _forkserver_context()
    multiprocessing.forkserver.ensure_running()


def _forkserver_context() -> multiprocessing.context.ForkServerContext:
    """The forkserver start method, set to preload and warm extraction, with this process
    named as the parent its server must have (:data:`PARENT_ENV`, inherited when it starts)."""
    os.environ[PARENT_ENV] = str(os.getpid())
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def new_pool(workers: int) -> Executor:
    """A pool of ``workers`` extraction processes (forkserver, extraction preloaded).

    Open it from the crawl's main (reactor) thread: the kernel signals a child when the
    *thread* that started its parent exits.
    """
    # forkserver: forking a process that runs reactor threads can deadlock; spawning is slow.
    # The server preloads and warms extraction once so each worker starts warm.
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=_forkserver_context(), initializer=die_with_parent
    )


def start_workers(pool: Executor, workers: int) -> Future[None]:
    """Start ``pool``'s ``workers`` processes without blocking; the future ends when they run.

    Call it from the crawl's main (reactor) thread: the forkserver is started here, by this
    thread (see :func:`new_pool`); forking the workers, which waits for the forkserver's
    warm-up, happens in a helper thread.
    """
    multiprocessing.forkserver.ensure_running()
    ready: Future[None] = Future()

    def fork_all() -> None:
        try:
            for started in [pool.submit(_started) for _ in range(workers)]:
                started.result()
        except BaseException as exc:  # a broken pool: process_item reports it per page
            ready.set_exception(exc)
        else:
            ready.set_result(None)

    threading.Thread(target=fork_all, name="extract-pool-start", daemon=True).start()
    return ready


def _started() -> int:
    """A worker's first task: held a moment, so that every submit of :func:`start_workers`
    forks a process of its own. A pool forks only when no worker is idle, and from a warm
    forkserver the first worker would be idle again before the second submit."""
    time.sleep(STARTUP_HOLD)
    return os.getpid()


def shared_pool(workers: int) -> tuple[Executor, Future[None]]:
    """The process-wide pool a long-lived worker's crawls share (made and started on first
    use), with the future that ends when its workers run.

    A worker runs many crawls; a pool per crawl would fork its processes for every run. A
    pool broken by a dead process (a hostile page that crashed lxml) is replaced.
    """
    global _shared, _shared_ready
    if _shared is None or _shared_ready is None or getattr(_shared, "_broken", False):
        _shared = new_pool(workers)
        _shared_ready = start_workers(_shared, workers)
    return _shared, _shared_ready


def close_shared_pool() -> None:
    """Shut the shared pool down (the worker stops)."""
    global _shared, _shared_ready
    if _shared is not None:
        _shared.shutdown(wait=True, cancel_futures=True)
        _shared = _shared_ready = None


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing)."""
    if not sys.platform.startswith("linux"):
        return
    expected = os.environ.get(PARENT_ENV, "")
    parent = int(expected) if expected.isdigit() else os.getppid()
    os.environ[PARENT_ENV] = str(os.getpid())  # what this process's own children expect
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
