"""Each hostile-outlet probe's time and peak memory, written to docs/benchmarks.md.

The probes are the end-to-end cases of ``tests/hostile/`` (a private-network feed, a 14.7 MB
RSS, 40 parallel wrong logins, a mislabelled charset, ...), declared by the modules
``bench/hostile_*.py``, each of which exposes ``probes() -> [(name, callable)]``. Every probe
runs in a child process of its own, so its peak resident memory (``ru_maxrss`` of the child
and of whatever the child waited for) is its own, not the sum of the probes before it.

Usage: python bench/hostile.py [--write] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from corpus import machine, write_section  # noqa: E402


def modules() -> list[str]:
    """The probe modules present, by name (``hostile_network``, ``hostile_logins``, ...)."""
    return sorted(path.stem for path in HERE.glob("hostile_*.py"))


def load(module: str) -> ModuleType:
    """A probe module by file, whatever the modules loaded before it did to ``sys.path``."""
    if module in sys.modules:
        return sys.modules[module]
    spec = importlib.util.spec_from_file_location(module, HERE / f"{module}.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[module] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def probe_names() -> list[tuple[str, int, str]]:
    """Every probe as (module, index, name)."""
    found = []
    for module in modules():
        for index, (name, _) in enumerate(load(module).probes()):
            found.append((module, index, name))
    return found


def run_child(module: str, index: int) -> None:
    """Run one probe in this process and print its figures as one JSON line."""
    _, probe = load(module).probes()[index]
    started = time.perf_counter()
    error = None
    try:
        probe()
    except Exception as exc:  # a probe that fails is a figure too, with its cause
        error = f"{type(exc).__name__}: {exc}"[:300]
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": max(own, children) / 1024, "error": error}))


def measure(module: str, index: int) -> dict[str, object]:
    """One probe's figures, from a fresh child process."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", module, str(index)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"seconds": None, "peak_mb": None, "error": out.stderr.strip()[-300:]}
    return json.loads(lines[-1])


def render(rows: list[tuple[str, str, dict[str, object]]]) -> str:
    """The docs section: machine, date, one row per probe."""
    lines = [
        "## Hostile outlets",
        "",
        f"Machine: {machine()}. Command: `python bench/hostile.py --write` (`bench/run hostile`).",
        "",
        "Each probe runs end to end (loopback outlets, real `aggregator serve` for the logins)",
        "in a child process of its own; peak memory is the largest resident set of that child",
        "or of a process it waited for (`aggregator crawl` children are; the extraction pool's",
        "forkserver, which no one waits for, is not counted). `held`: the probe's own check of",
        "the outcome (good articles stored, refusal or warning recorded) passed.",
        "",
        "| area | probe | seconds | peak MB | result |",
        "|---|---|---|---|---|",
    ]
    for area, name, figures in rows:
        seconds = figures.get("seconds")
        peak = figures.get("peak_mb")
        lines.append(
            f"| {area} | {name} | {seconds:.2f} | {peak:.0f} | {figures.get('error') or 'held'} |"
            if isinstance(seconds, float) and isinstance(peak, float)
            else f"| {area} | {name} | - | - | {figures.get('error')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--only", default="", help="run only probes whose name contains this")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], int(args.child[1]))
        return
    rows = []
    for module, index, name in probe_names():
        if args.only and args.only not in name:
            continue
        figures = measure(module, index)
        area = module.removeprefix("hostile_")
        print(f"{area:10} {name:50} {json.dumps(figures)}", flush=True)
        rows.append((area, name, figures))
    if args.write:
        write_section("Hostile outlets", render(rows))


if __name__ == "__main__":
    main()
