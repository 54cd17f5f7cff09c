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
from concurrent.futures import Executor, Future, ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PRELOAD = ["aggregator.pipelines.forkserver_guard", "aggregator.pipelines.forkserver_warm"]


def new_pool(workers: int) -> Executor:
    """A pool of ``workers`` extraction processes (forkserver, extraction preloaded).

    Open it from the crawl's main (reactor) thread: the kernel signals a child when the
    *thread* that started its parent exits.
    """
    # forkserver: forking a process that runs reactor threads can deadlock; spawning is slow.
    # The server preloads and warms extraction once so each worker starts warm.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent)


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
            for started in [pool.submit(os.getpid) for _ in range(workers)]:
                started.result()
        except BaseException as exc:  # a broken pool: process_item reports it per page
            ready.set_exception(exc)
        else:
            ready.set_result(None)

    threading.Thread(target=fork_all, name="extract-pool-start", daemon=True).start()
    return ready


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
