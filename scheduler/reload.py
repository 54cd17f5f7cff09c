"""Apply the sources file to the job store: at start, and whenever the file changes.

The service re-reads the file every ``reload_interval`` and acts only when its content hash
changed. An invalid edit is logged with its file:line and the last good configuration keeps
running. A job whose schedule is unchanged keeps its persisted next run time; a new or
changed one is next due from its last recorded crawl (never crawled: now), so neither a
restart nor an edit resets the rhythm of a source.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler

from aggregator.config.sources import Schedule, SourcesFile, parse_sources
from aggregator.errors import ConfigError
from scheduler.due import last_starts
from scheduler.jobs import JOB_FUNC, job_id, source_of
from scheduler.triggers import build_trigger, effective_schedule, fingerprint, next_due

log = logging.getLogger("aggregator.scheduler")


@dataclass
class SyncReport:
    """What one sync changed in the job store, by source name."""

    added: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.rescheduled or self.removed)

    def describe(self) -> str:
        parts = [
            f"{label} {', '.join(names)}"
            for label, names in (
                ("added", self.added),
                ("rescheduled", self.rescheduled),
                ("removed", self.removed),
            )
            if names
        ]
        return "; ".join(parts) or "no change"


def sync_jobs(
    scheduler: BaseScheduler,
    sources: SourcesFile,
    default: Schedule,
    database_url: str,
    now: datetime,
) -> SyncReport:
    """Make the store hold exactly one crawl job per enabled source, with its schedule."""
    report = SyncReport()
    wanted = {s.name: s for s in sources.enabled()}
    existing = {
        source_of(job.id): job for job in scheduler.get_jobs() if source_of(job.id) is not None
    }
    for name, job in existing.items():
        if name not in wanted:
            scheduler.remove_job(job.id)
            report.removed.append(str(name))
    starts = last_starts(database_url, [n for n in wanted if n not in existing])
    for name, source in wanted.items():
        schedule = effective_schedule(source, default)
        summary = fingerprint(source, schedule)
        job = existing.get(name)
        if job is not None and job.name == summary:
            report.kept.append(name)
            continue
        if job is not None:
            starts.update(last_starts(database_url, [name]))
        scheduler.add_job(
            JOB_FUNC,
            trigger=build_trigger(schedule, source.zone),
            args=[name],
            id=job_id(name),
            name=summary,
            replace_existing=True,
            next_run_time=next_due(schedule, source.zone, starts.get(name), now),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        (report.rescheduled if job is not None else report.added).append(name)
    return report


class ConfigWatcher:
    """Re-read the sources file when its content changes; keep the last good version.

    While the file on disk is invalid, crawl children must not read it: :meth:`children_path`
    then points them at a snapshot of the last good text.
    """

    def __init__(
        self, path: str | Path, initial: SourcesFile, snapshot_dir: Path | None = None
    ) -> None:
        self.path = Path(path)
        self.good = initial
        data = self._read()
        self.digest = _digest(data)
        self.good_text = data.decode("utf-8", "replace") if data is not None else ""
        self.error: ConfigError | None = None
        self._snapshot_dir = snapshot_dir
        self._own_dir: Path | None = None
        self._snapshot_lock = threading.Lock()

    def _read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def check(self) -> SourcesFile | None:
        """The new configuration when the file changed and is valid, else None.

        An invalid or unreadable file is logged once per change and leaves :attr:`good`
        as it was.
        """
        data = self._read()
        digest = _digest(data)
        if digest == self.digest:
            return None
        self.digest = digest
        try:
            if data is None:
                raise ConfigError(
                    "cannot read the sources file (moved or deleted?)", path=str(self.path)
                )
            text = data.decode("utf-8")
            sources = parse_sources(text, str(self.path))
        except UnicodeDecodeError as exc:
            self._reject(ConfigError(f"not UTF-8 text: {exc}", path=str(self.path)))
            return None
        except ConfigError as exc:
            self._reject(exc)
            return None
        self.error = None
        self.good, self.good_text = sources, text
        return sources

    def _reject(self, error: ConfigError) -> None:
        self.error = error
        self.snapshot.parent.mkdir(parents=True, exist_ok=True)
        self.snapshot.write_text(self.good_text, encoding="utf-8")
        log.error("sources file change ignored, still running the last good version: %s", error)

    @property
    def snapshot(self) -> Path:
        """Where the last good text is written while the file is broken."""
        if self._snapshot_dir is None:
            self._own_dir = self._snapshot_dir = Path(
                tempfile.mkdtemp(prefix="aggregator-schedule-")
            )
        return self._snapshot_dir / "last-good-sources.yaml"

    def cleanup(self) -> None:
        """Remove the snapshot folder this watcher created, if any."""
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = self._snapshot_dir = None

    def children_path(self) -> str:
        """The sources file crawl children should read: the real one unless it is broken."""
        return str(self.snapshot if self.error is not None else self.path)

    def path_for_child(self) -> str:
        """The sources file for a crawl starting now, checked now: a broken edit made since
        the last :meth:`check` must not reach the child either (it would exit 1). The real
        file when it is valid (a good edit is the next check's to take up), else a snapshot
        of the last good text. Changes nothing else: jobs follow :meth:`check` alone."""
        data = self._read()
        if _digest(data) == self.digest:
            return self.children_path()
        try:
            if data is None:
                raise ConfigError("cannot read the sources file", path=str(self.path))
            parse_sources(data.decode("utf-8"), str(self.path))
        except (UnicodeDecodeError, ConfigError) as exc:
            with self._snapshot_lock:
                self.snapshot.parent.mkdir(parents=True, exist_ok=True)
                self.snapshot.write_text(self.good_text, encoding="utf-8")
            log.warning("crawl started on the last good sources file: %s", exc)
            return str(self.snapshot)
        return str(self.path)


def _digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None
