"""The index on disk: versioned directories behind a symlink, locks and writes.

On disk
-------
``path`` (e.g. ``instance/search``) is a *symlink* to a versioned directory
beside it, ``<name>-<UTC timestamp>-<pid>``, holding one Whoosh index.
:meth:`IndexStore.rebuild` and :meth:`IndexStore.create` write a fresh
versioned directory, then swap the link atomically (a temporary symlink moved
over ``path`` with :func:`os.replace`) and delete the older directories.
Readers that still hold files of an old directory keep working (POSIX keeps
unlinked files alive while open).  Every search checks both the link target and
:meth:`whoosh.searching.Searcher.up_to_date`, so a switch or a commit made by
another process is seen by the next search (one ``readlink`` and one
``listdir``: a few microseconds).  A plain directory at ``path`` (not a link)
is used as it is, and turned into a versioned directory plus link by the next
rebuild.  POSIX only (symlinks, ``flock``).

Concurrency of writes (several worker processes, several threads each)
-----------------------------------------------------------------------
* Writers: Whoosh's own write lock, taken with ``ix.writer(timeout=…, delay=…)``;
  one writer and one commit per :meth:`~IndexStore.add` /
  :meth:`~IndexStore.remove` call.  A lock that cannot be had in time raises
  :class:`IndexBusy`.  After taking the lock a writer checks that the link still
  points at the directory it locked (a rebuild may have switched meanwhile) and
  retries on the new one.
* Rebuilds are serialised by a lock file beside ``path``.  The switch itself
  happens while holding the write lock of the old index, so no write is half
  done in a directory that is being retired.  Writes that other processes
  committed to the old index *while* the rebuild ran are replayed: deletions
  directly, additions/updates through the optional ``refetch`` callable (the
  content of a document is not stored in the index, so it cannot be copied);
  without ``refetch`` their ids are left in :attr:`IndexStore.missed_by_rebuild`
  and logged, and :meth:`SearchIndex.stored_versions
  <app.search.index.SearchIndex.stored_versions>` lets the caller catch up.

Position in the change log
--------------------------
Several hosts each keep their own index and follow a log of catalogue changes
kept in the database (:mod:`app.catalogue.changes`).  Each versioned directory
holds a file :data:`POSITION_FILE` with the id of the last change it has
applied.  :meth:`IndexStore.follow` reads it, applies the next changes and
records the new position while holding the index's write lock, so two processes
of one host never apply the same changes at once and the recorded position never
runs ahead of what was committed.  :meth:`IndexStore.rebuild` and
:meth:`IndexStore.create` record the position they were given in the new
directory before switching to it.  The log itself is the caller's business.

Schema version
--------------
Each versioned directory holds a file :data:`VERSION_FILE` with the
:data:`~app.search.schema.SCHEMA_VERSION` it was built with, written before
the switch.  :meth:`IndexStore.outdated` compares it with this code's: an index
without the file predates versions (version 1).

How readers follow these switches and commits is told in :mod:`app.search.index`.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import logging
import os
import re
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.util.filelock import try_for

from app.search.building import BuildStats, build_segment
from app.search.schema import SCHEMA_VERSION, PublicationDoc, _codec, _doc_fields, build_schema

log = logging.getLogger(__name__)


#: The file beside the index files that records its schema version.
VERSION_FILE = "PST_SCHEMA_VERSION"
#: The file beside the index files that records the last change of the log applied.
POSITION_FILE = "PST_CHANGE_POSITION"

#: What :meth:`IndexStore.follow` asks its ``changes`` callable for: given the
#: recorded position (None when the index has none), None when there is nothing to
#: do, else (documents to add or replace, ids to remove, the position reached).
ChangeBatch = tuple[list[PublicationDoc], list[int], int]


class IndexBusy(Exception):
    """The index write lock could not be had within the timeout (another writer
    or a rebuild holds it).  Nothing was written; the caller decides whether to
    retry, queue the change, or rely on a later staleness check."""


class IndexStore:
    """The directories, locks and writes of the index at ``path``: the part of
    :class:`~app.search.index.SearchIndex` that changes what is on disk (its
    constructor documents the arguments).  Thread-safe, and safe with several
    processes.
    """

    def __init__(
        self,
        path: Path | str,
        protected_words: Iterable[str],
        *,
        write_timeout: float,
        write_delay: float,
        switch_timeout: float,
        writer_limitmb: int,
        build_procs: int | None = None,
    ):
        self.path = Path(path).absolute()
        self.protected_words = tuple(sorted({w for w in protected_words if w}))
        self.write_timeout = write_timeout
        self.write_delay = write_delay
        self.switch_timeout = switch_timeout
        self.writer_limitmb = writer_limitmb
        #: Processes that analyse documents in a large :meth:`rebuild` (None: one per CPU).
        self.build_procs = build_procs
        #: Ids written to the old index by another process during the last
        #: :meth:`rebuild` that could not be replayed (no ``refetch`` given).
        self.missed_by_rebuild: set[int] = set()
        #: What the last :meth:`rebuild` in this object took (time, CPU), or None.
        self.last_build: BuildStats | None = None
        self._schema: Schema | None = None

    # ----------------------------------------------------------------- directories

    def _target(self) -> Path | None:
        """The directory the index lives in now, or None."""
        try:
            link = os.readlink(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.EINVAL and self.path.is_dir():
                return self.path  # a plain directory
            raise
        target = Path(link)
        return target if target.is_absolute() else self.path.parent / target

    def _new_dir(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now * 1e6) % 1_000_000:06d}"
        base = f"{self.path.name}-{stamp}-{os.getpid()}"
        for n in itertools.count():
            candidate = self.path.parent / (base if n == 0 else f"{base}-{n}")
            try:
                candidate.mkdir()
                return candidate
            except FileExistsError:
                continue
        raise AssertionError("unreachable")  # pragma: no cover

    def _switch(self, target: Path) -> None:
        """Point ``path`` at ``target``, atomically."""
        parent = self.path.parent
        if self.path.is_dir() and not self.path.is_symlink():
            # A plain directory from before: move it aside first.  Not atomic:
            # readers retry while the name is missing.
            aside = self._new_dir()
            aside.rmdir()
            os.rename(self.path, aside)
        tmp = parent / f".{self.path.name}.tmp-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
        os.symlink(target.name, tmp)
        try:
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):  # make the switch durable
            fd = os.open(parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _cleanup(self, keep: Path) -> None:
        """Delete the versioned directories other than ``keep`` and stale
        temporary links (the caller holds the rebuild lock, so no other
        directory is being built)."""
        pattern = re.compile(rf"^{re.escape(self.path.name)}-\d{{8}}T\d{{12}}-\d+(?:-\d+)?$")
        try:
            entries = list(os.scandir(self.path.parent))
        except FileNotFoundError:  # pragma: no cover
            return
        for entry in entries:
            if entry.name == keep.name:
                continue
            if pattern.match(entry.name) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.name.startswith(f".{self.path.name}.tmp-") and entry.is_symlink():
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat(follow_symlinks=False).st_mtime > 60:
                        os.unlink(entry.path)

    def _rebuild_lock(self):
        from whoosh.util.filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path.parent / f".{self.path.name}.rebuild.lock"))
        if not try_for(lock.acquire, timeout=self.switch_timeout, delay=self.write_delay):
            raise IndexBusy(f"another rebuild of {self.path} is running")
        return lock

    def schema(self) -> Schema:
        """The schema a new index directory gets."""
        if self._schema is None:
            self._schema = build_schema(self.protected_words)
        return self._schema

    def exists(self) -> bool:
        """Whether there is an index at ``path``."""
        try:
            target = self._target()
            return target is not None and FileStorage(str(target)).index_exists()
        except OSError:
            return False

    def schema_version(self) -> int | None:
        """The schema version of the index at ``path`` (1 when it was built
        before versions were recorded), or None when there is no index."""
        if not self.exists():
            return None
        try:
            return int((self._target() / VERSION_FILE).read_text().strip())
        except (OSError, TypeError, ValueError):
            return 1

    def outdated(self) -> bool:
        """Whether the index was built with another schema version than this
        code's and should be rebuilt (it still answers searches meanwhile)."""
        version = self.schema_version()
        return version is not None and version != SCHEMA_VERSION

    # ----------------------------------------------------------------- writing

    def create(self, position: int | None = None) -> None:
        """Create an empty index (replacing any index already there), at
        ``position`` in the change log when given."""
        lock = self._rebuild_lock()
        try:
            new = self._new_dir()
            try:
                FileStorage(str(new)).create_index(self.schema())
                _stamp(new)
                if position is not None:
                    _write_position(new, position)
                self._switch(new)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            self._cleanup(new)
        finally:
            lock.release()

    def _writer(self):
        """A Whoosh writer on the current index directory (created if missing)."""
        return self._writer_at()[0]

    def _writer_at(self, timeout: float | None = None):
        """A Whoosh writer on the current index directory (created if missing),
        and that directory."""
        timeout = self.write_timeout if timeout is None else timeout
        for attempt in range(10):
            target = self._target()
            if target is None or not FileStorage(str(target)).index_exists():
                with contextlib.suppress(IndexBusy):
                    self.create()
                continue
            try:
                ix = FileStorage(str(target)).open_index()
                w = ix.writer(timeout=timeout, delay=self.write_delay, codec=_codec())
            except LockError:
                raise IndexBusy(f"the search index {self.path} is locked by another writer") from None
            except (OSError, EmptyIndexError):
                time.sleep(0.005 * (attempt + 1))
                continue  # switched and deleted meanwhile
            if self._target() != target:  # a rebuild switched while we waited for the lock
                _cancel_quietly(w)
                continue
            return w, target
        raise IndexBusy(f"the search index {self.path} kept changing")

    def add(self, docs: Iterable[PublicationDoc]) -> None:
        """Add documents, replacing those with the same id; one writer and one
        commit for the whole call.  Raises :class:`IndexBusy`."""
        docs = list(docs)
        if not docs:
            return
        w = self._writer()
        try:
            for doc in docs:
                w.update_document(**_doc_fields(doc, w.schema))
        except BaseException:
            _cancel_quietly(w)
            raise
        w.commit()

    def remove(self, ids: Iterable[int]) -> None:
        """Remove documents by id (unknown ids are ignored).  Raises
        :class:`IndexBusy`."""
        ids = [str(int(i)) for i in ids]
        if not ids or not self.exists():
            return
        w = self._writer()
        try:
            for i in ids:
                w.delete_by_term("id", i)
        except BaseException:
            _cancel_quietly(w)
            raise
        w.commit()

    def position(self) -> int | None:
        """The id of the last change of the log applied to the index at
        ``path``; None when there is no index or it has no position."""
        try:
            target = self._target()
        except OSError:
            return None
        return None if target is None else _read_position(target)

    def follow(
        self,
        changes: Callable[[int | None], ChangeBatch | None],
        *,
        timeout: float | None = None,
    ) -> int | None:
        """Apply the next changes of the log and record how far they go, all
        under the index's write lock; returns the position now recorded.

        ``changes(position)`` is called with the lock held and the recorded
        position (None when the index has none) and returns None (nothing to
        do) or ``(docs, removed_ids, new_position)``: the documents to add or
        replace and the ids to remove to bring the index from ``position`` to
        ``new_position``.  Raises :class:`IndexBusy` when the lock cannot be
        had within ``timeout`` seconds (default ``write_timeout``); a missing
        index is created empty first (without a position).
        """
        w, target = self._writer_at(timeout)
        # Keep the lock past the commit, until the position is recorded: Whoosh's
        # commit and cancel release it only when the writer still holds it.
        lock, w.writelock = w.writelock, None
        try:
            try:
                position = _read_position(target)
                batch = changes(position)
                if batch is None:
                    _cancel_quietly(w)
                    return position
                docs, gone, reached = batch
                for i in gone:
                    w.delete_by_term("id", str(int(i)))
                for doc in docs:
                    w.update_document(**_doc_fields(doc, w.schema))
            except BaseException:
                _cancel_quietly(w)
                raise
            if docs or gone:
                w.commit()
            else:
                _cancel_quietly(w)
            _write_position(target, reached)
            return reached
        finally:
            if lock is not None:
                lock.release()

    def rebuild(
        self,
        docs: Iterable[PublicationDoc],
        progress: Callable[[int], None] | None = None,
        *,
        refetch: Callable[[list[int]], Iterable[PublicationDoc]] | None = None,
        progress_every: int = 1000,
        position: int | None = None,
    ) -> int:
        """Index ``docs`` into a fresh directory as one segment (written in
        bulk, analysed in worker processes when there are many:
        :mod:`app.search.building`), record the schema version, switch to it
        atomically and delete the old directories; returns the number of
        documents indexed (:attr:`last_build` says what it took).

        ``progress(n)`` is called every ``progress_every`` documents and once
        at the end.  What other processes write to the old index meanwhile is
        replayed (:mod:`app.search.store`); ``refetch(ids)`` must return the
        current documents for ids added or changed meanwhile.  ``position``
        (the last change of the log that ``docs`` include) is recorded in the
        new directory.
        """
        lock = self._rebuild_lock()
        try:
            old = self._target()
            old_ix = None
            old_gen = None
            snapshot: dict[int, datetime | None] = {}
            try:
                if old is not None and FileStorage(str(old)).index_exists():
                    old_ix = FileStorage(str(old)).open_index()
                    old_gen = old_ix.latest_generation()
                    with old_ix.searcher() as s:
                        snapshot = _stored_versions(s)
            except Exception:  # a damaged index is what a rebuild is for: build without it
                log.warning("search index at %s is unreadable; rebuilding from scratch", old, exc_info=True)
                old_ix, old_gen, snapshot = None, None, {}
            new = self._new_dir()
            try:
                ix = FileStorage(str(new)).create_index(self.schema())
                self.last_build = build_segment(ix, docs, codec=_codec(), procs=self.build_procs,
                                                limitmb=self.writer_limitmb, progress=progress,
                                                progress_every=progress_every)
                _stamp(new)
                if position is not None:
                    _write_position(new, position)
                self.missed_by_rebuild = set()
                if old_ix is None:
                    self._switch(new)
                else:
                    wlock = old_ix.lock("WRITELOCK")
                    if not try_for(wlock.acquire, timeout=self.switch_timeout, delay=self.write_delay):
                        raise IndexBusy(f"a writer kept {old} locked; the rebuilt index was not switched in")
                    try:
                        if old_ix.latest_generation() != old_gen:
                            self._replay(old_ix, ix, snapshot, refetch)
                        self._switch(new)
                    finally:
                        wlock.release()
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            self._cleanup(new)
            with ix.searcher() as s:
                count = s.doc_count()
            if progress:
                progress(count)
            return count
        finally:
            lock.release()

    def _replay(self, old_ix, new_ix, snapshot, refetch) -> None:
        """Apply to the new index what others committed to the old one during
        a rebuild (the caller holds the old index's write lock)."""
        with old_ix.searcher() as s:
            now = _stored_versions(s)
        removed = [i for i in snapshot if i not in now]
        changed = sorted(i for i, v in now.items() if i not in snapshot or snapshot[i] != v)
        if not removed and not changed:
            return
        w = new_ix.writer(timeout=self.write_timeout, delay=self.write_delay, codec=_codec())
        try:
            for i in removed:
                w.delete_by_term("id", str(i))
            if changed and refetch is not None:
                for doc in refetch(changed):
                    w.update_document(**_doc_fields(doc, w.schema))
        except BaseException:
            _cancel_quietly(w)
            raise
        w.commit()  # a small second segment; rewriting the big one would hold the lock for minutes
        if changed and refetch is None:
            self.missed_by_rebuild = set(changed)
            log.warning("search index rebuild: %d document(s) changed meanwhile were not re-read: %s",
                        len(changed), changed[:20])


# --------------------------------------------------------------------------- helpers


def _stored_versions(searcher) -> dict[int, datetime | None]:
    out: dict[int, datetime | None] = {}
    for fields in searcher.all_stored_fields():
        with contextlib.suppress(KeyError, TypeError, ValueError):
            out[int(fields["id"])] = fields.get("updated")
    return out


def _stamp(directory: Path) -> None:
    """Record this code's schema version in a new index directory."""
    (directory / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")


def _read_position(directory: Path) -> int | None:
    try:
        return int((directory / POSITION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _write_position(directory: Path, position: int) -> None:
    """Record ``position`` in an index directory, atomically (a reader sees the
    old value or the new one, never a half-written file)."""
    tmp = directory / f".{POSITION_FILE}.tmp-{os.getpid()}-{threading.get_ident()}"
    tmp.write_text(f"{int(position)}\n")
    os.replace(tmp, directory / POSITION_FILE)


def _cancel_quietly(writer) -> None:
    with contextlib.suppress(Exception):
        writer.cancel()
