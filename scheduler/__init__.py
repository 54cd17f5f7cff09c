"""When to crawl: the ``aggregator schedule`` service and the "what is due now" question.

The scheduler decides *when*; it never imports a spider. Each crawl runs as a child process
through the same entry point as ``aggregator crawl`` (see :mod:`scheduler.jobs`), and every
run is recorded in ``crawl_runs`` by the crawl itself, or by the scheduler when the child
could not (see :mod:`scheduler.orphan_runs`).
"""
