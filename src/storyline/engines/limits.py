"""Bounds on one document's work in a worker: a deadline, and the worker's address space.

A page built to make a parser crawl, or to fill memory, must cost its own skip and nothing more: not
the batch, not the worker's models, not the next run. Three bounds, from the gentlest:

- **a deadline per document** (:func:`within_deadline`): a watchdog thread raises an exception in
  the thread doing the work once its time is up, at the next Python instruction, so the document
  becomes a ``too-slow`` skip and the worker goes on with its models loaded. It works in any thread
  (a Dask worker runs tasks in a thread pool, where ``SIGALRM`` cannot be used);
- **the worker's address space** (:func:`limit_worker`, ``RLIMIT_AS``): an allocation past it
  fails, Python raises MemoryError, and the document becomes a ``too-large-in-memory`` skip;
- **the kernel** (``RLIMIT_CPU``, in disposable workers only): work stuck in native code (a regular
  expression backtracking inside ``re``, which holds the interpreter lock and so keeps the watchdog
  from running) never reaches a Python instruction; at twice its deadline in CPU time the kernel
  kills the worker, and the engine records the chunk it held as lost.

Imports only the standard library and :mod:`storyline.errors`: the engines run anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from storyline.errors import TooLargeInMemory, TooSlow

R = TypeVar("R")

log = logging.getLogger(__name__)

# The kernel stops a disposable worker when one document has used this many times its deadline in
# CPU time: the gentle deadline had all that time to act, so the work is stuck where it cannot.
HARD_FACTOR = 2.0


class _Expired(BaseException):
    """Raised in a worker's thread when its document's time is up. A BaseException, like
    KeyboardInterrupt, so the ``except Exception`` of a library on the way does not swallow it."""


class _Watchdog:
    """One thread per process that raises :class:`_Expired` in the threads whose deadline passed."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._wake = threading.Condition(threading.Lock())
        self._armed: dict[int, tuple[float, int]] = {}  # token -> (deadline, thread id)
        self._fired: dict[int, int] = {}  # token -> thread id, for deadlines that went off
        self._next = 0
        threading.Thread(target=self._run, name="storyline-deadline", daemon=True).start()

    def arm(self, seconds: float) -> int:
        with self._wake:
            self._next += 1
            self._armed[self._next] = (time.monotonic() + seconds, threading.get_ident())
            self._wake.notify()
            return self._next

    def disarm(self, token: int) -> None:
        """Forget ``token``. A deadline that went off as the work finished may have left its
        exception pending, to be raised at the caller's next instruction: it is cleared."""
        with self._wake:
            self._armed.pop(token, None)
            thread = self._fired.pop(token, None)
            if thread is not None:
                _async_raise(thread, None)

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                for token, (deadline, thread) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        self._fired[token] = thread
                        _async_raise(thread, _Expired)
                wait = min((deadline for deadline, _ in self._armed.values()), default=now + 3600.0)
                self._wake.wait(max(0.01, wait - now))


def _async_raise(thread: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in ``thread`` at its next Python instruction (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc else None)


_watchdog: _Watchdog | None = None
_watchdog_lock = threading.Lock()
# Set in a worker process the engine may lose (a local pool's worker, a Dask worker of a cluster
# this run started): only there may the kernel stop the whole process.
_disposable = False


def _the_watchdog() -> _Watchdog:
    global _watchdog
    with _watchdog_lock:
        # A forked worker inherits the parent's object but not its thread: it starts its own.
        if _watchdog is None or _watchdog.pid != os.getpid():
            _watchdog = _Watchdog()
        return _watchdog


def within_deadline(work: Callable[[], R], seconds: float, what: str) -> R:
    """``work()``, or :class:`TooSlow` once it has run ``seconds`` (0: no deadline), or
    :class:`TooLargeInMemory` when it ran out of the worker's memory. ``what`` names the work in
    the message ("extracting it", "analysing it")."""
    if seconds <= 0:
        return _memory_checked(work, what)
    watchdog = _the_watchdog()
    token = watchdog.arm(seconds)
    spent = _cpu_backstop(seconds)
    try:
        try:
            return _memory_checked(work, what)
        finally:
            watchdog.disarm(token)
            _lift_cpu_backstop(spent)
    except _Expired:
        # Delivered while the finally above ran: clean up again (disarm is idempotent).
        watchdog.disarm(token)
        _lift_cpu_backstop(spent)
        raise TooSlow(
            f"{what} took longer than {seconds:g} s, this document's deadline",
            remedy="raise [engine] document_seconds in the settings if the document is genuine",
        ) from None


def _memory_checked(work: Callable[[], R], what: str) -> R:
    try:
        return work()
    except MemoryError:
        # Raised outside the handler, so the traceback's frames (and the memory they hold) go now.
        pass
    raise TooLargeInMemory(
        f"{what} needed more memory than a worker may take",
        remedy="raise [engine] worker_memory_bytes in the settings if the document is genuine",
    )


def limit_worker(memory_bytes: int) -> None:
    """Run in a worker process as it starts: let its address space grow by ``memory_bytes`` at
    most (0: no cap) beyond what it inherited (a worker forked from a web server that has loaded
    the embedder starts larger than one forked from the command line), and mark it disposable, so
    the kernel may stop it when a document is stuck in native code. Its core dumps are turned
    off: a worker stopped for a hang leaves no gigabyte core behind."""
    global _disposable
    _disposable = True
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = address_space() + memory_bytes
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    # SIGXCPU at the CPU limit ends the process (its default action), whatever a library set.
    with contextlib.suppress(ValueError):  # only the main thread may set it; it is the default
        signal.signal(signal.SIGXCPU, signal.SIG_DFL)


def address_space() -> int:
    """This process's address space now, in bytes (VmSize; 0 where /proc is not mounted)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cpu_backstop(seconds: float) -> int | None:
    """In a disposable worker: the kernel's SIGXCPU once this process has spent ``HARD_FACTOR``
    times the deadline more CPU time. Returns the soft limit to restore, or None."""
    # A disposable worker runs one task at a time (a local pool's process; a Dask worker this run
    # started has one thread), so the process's CPU time is this document's work.
    if not _disposable:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    budget = int(used.ru_utime + used.ru_stime + HARD_FACTOR * seconds) + 1
    if hard != resource.RLIM_INFINITY:
        budget = min(budget, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (budget, hard))
    return soft


def _lift_cpu_backstop(soft: int | None) -> None:
    if soft is not None:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))
