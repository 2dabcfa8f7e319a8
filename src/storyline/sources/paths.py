"""Where reading files may lead: only inside what the user named.

The input roots are the folders the user named and, for a file named on its own, the folder that
holds it, each resolved (a root that is itself a symlink was named by the user, so it counts). A
file is read only when its real path, every symlink resolved, is inside one of the roots; a symlink
that leads out (``links/passwd.txt -> /etc/passwd``) is a named skip, ``link-outside-input``, unless
``SourceConfig.follow_links`` (``ingest --follow-links``) allows it. Nothing under /proc, /sys or
/dev is read even then: those files are the running system (a process's environment, its memory
map, endless devices), never news.

The check is made on the real path, that path is opened with ``O_NOFOLLOW``, and on Linux the open
descriptor is asked where it really points (``/proc/self/fd``): a link swapped in between the check
and the open is caught there rather than read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storyline.errors import (
    InputError,
    LinkInsideInput,
    LinkOutsideInput,
    SpecialFile,
    SystemPath,
    Unreadable,
)
from storyline.model import Skip

# The kernel's views of the running system: never read, whatever the user allows.
SYSTEM_TREES = ("/proc", "/sys", "/dev")
_FOLLOW_REMEDY = "pass --follow-links to read it, or copy the file into the folder"


def safe_locator(path: Path | str) -> str:
    """``path`` as a string that can always be stored and printed, and is the same on every run.

    A file name that is not valid UTF-8 arrives as a ``str`` with lone surrogates (Python's
    surrogateescape), which SQLite and terminals refuse; its undecodable bytes become ``\\xNN``
    escapes instead, so the name stays readable and stable while the real path is still used to read.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _inside(path: str, tree: str) -> bool:
    return path == tree or path.startswith(tree.rstrip(os.sep) + os.sep)


def _system_tree(real: str) -> str | None:
    return next((tree for tree in SYSTEM_TREES if _inside(real, tree)), None)


def _link_text(path: Path | str, real: str) -> str:
    """``path -> target`` as a message names a link: the target as the link holds it, and where it
    resolves when that differs (a relative or chained link)."""
    try:
        target = os.readlink(path)
    except OSError:  # not itself a link: a folder on the way to it is
        return f"{safe_locator(path)} (resolves to {safe_locator(real)})"
    shown = f"{safe_locator(path)} -> {safe_locator(target)}"
    return shown if target == real else f"{shown} (resolves to {safe_locator(real)})"


@dataclass(frozen=True, slots=True)
class InputRoots:
    """The real folders a run may read in, and whether symlinks may lead out of them."""

    roots: tuple[str, ...]
    follow_links: bool = False

    @classmethod
    def of(cls, inputs: Iterable[str], follow_links: bool = False) -> InputRoots:
        """The roots of the file inputs among ``inputs`` (URLs and missing paths have none)."""
        roots: list[str] = []
        for text in inputs:
            try:
                real = os.path.realpath(text, strict=True)
                folder = real if os.path.isdir(real) else os.path.realpath(os.path.dirname(text) or ".")
            except (OSError, ValueError):
                continue  # a missing path, a loop, a NUL in the name: its own skip says so
            roots.append(folder)
        return cls(tuple(dict.fromkeys(roots)), follow_links)

    def inside(self, real: str) -> bool:
        return any(_inside(real, root) for root in self.roots)

    def real_path(self, path: Path | str) -> str:
        """The real path to read ``path`` by, or a named :class:`InputError` saying why not."""
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as exc:
            raise _broken(path, exc) from exc
        self._check(path, real)
        return real

    def _check(self, path: Path | str, real: str) -> None:
        tree = _system_tree(real)
        if tree is not None:
            raise SystemPath(
                f"{_link_text(path, real)} is under {tree}, which is never read",
                remedy="it describes the running system, not news",
            )
        if not self.follow_links and not self.inside(real):
            raise LinkOutsideInput(
                f"{_link_text(path, real)} leads outside the input folders; not followed",
                remedy=_FOLLOW_REMEDY,
            )

    def open_regular(self, path: Path) -> BinaryIO:
        """``path`` opened for reading if it is allowed and (following symlinks) a regular file; else
        a named skip.

        Opened non-blocking, so a FIFO swapped in after any check cannot hang the open, and checked with
        ``fstat`` on the open descriptor, so what is read is what was checked.
        """
        real = self.real_path(path)
        flags = (
            os.O_RDONLY
            | getattr(os, "O_NONBLOCK", 0)
            | getattr(os, "O_NOCTTY", 0)
            | getattr(os, "O_NOFOLLOW", 0)
        )
        try:
            mode = os.stat(real).st_mode
        except FileNotFoundError as exc:
            raise Unreadable("the file vanished while being read", remedy="try again") from exc
        _refuse_special(mode)
        try:
            fd = os.open(real, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # the last part became a symlink after the check
                raise Unreadable(
                    f"{safe_locator(path)} was changed into a symlink while being read; not followed",
                    remedy="ingest it again once nothing is changing the folder",
                ) from exc
            raise
        try:
            _refuse_special(os.fstat(fd).st_mode)
            opened = _opened_path(fd)
            if opened is not None and opened != real:
                # A folder on the way was swapped for a link between the check and the open: what was
                # opened is judged by where it really is.
                self._check(path, opened)
            if flags & getattr(os, "O_NONBLOCK", 0):
                os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise


def _opened_path(fd: int) -> str | None:
    """Where the kernel says ``fd`` points (Linux), or None where it cannot say (macOS, BSD: there
    the ``O_NOFOLLOW`` open is the guard)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _refuse_special(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise SpecialFile(
            f"not a regular file ({_kind(mode)}); refused without reading it",
            remedy="copy the content into a regular file to ingest it",
        )


def _broken(path: Path | str, error: OSError) -> InputError:
    """The skip for a path that does not resolve: a link loop, a dangling link, a vanished file."""
    locator = safe_locator(path)
    try:
        target = safe_locator(os.readlink(path))
    except OSError:
        target = None
    if error.errno == errno.ELOOP:
        shown = f"{locator} -> {target}" if target is not None else locator
        return Unreadable(f"{shown} is a symlink loop", remedy="fix or remove the link")
    if isinstance(error, FileNotFoundError):
        if target is not None:
            return Unreadable(
                f"{locator} -> {target} is a broken symlink: its target does not exist",
                remedy="fix or remove the link",
            )
        return Unreadable("the file vanished while being read", remedy="try again")
    return Unreadable(f"cannot read the file: {error.strerror or error}", remedy="check its permissions")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a file"


def walk(path: Path, roots: InputRoots, include_hidden: bool = False) -> Iterator[Path | Skip]:
    """Every file under ``path`` (``path`` itself when it is not a folder), in a stable order; each
    folder that cannot be listed or a symlinked folder not entered is a named skip."""
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        is_dir = False  # a dangling symlink or a loop: reading it names it
    if not is_dir:
        yield path
        return
    real = os.path.realpath(path)
    if _system_tree(real) is not None:
        yield _skip(
            path, SystemPath(f"{safe_locator(path)} is under {_system_tree(real)}, which is never read")
        )
        return
    yield from _walk_tree(path, roots, include_hidden, [real])


def _walk_tree(
    top: Path, roots: InputRoots, include_hidden: bool, walked: list[str]
) -> Iterator[Path | Skip]:
    # os.walk hides the folders it cannot list unless asked: each becomes a named skip.
    refused: list[OSError] = []
    # os.walk is lazy: a folder of millions of files is never listed in memory at once. Sorting each
    # directory keeps ingest order (and so story assignment) deterministic.
    for root, dirs, files in os.walk(top, onerror=refused.append):
        yield from _refusals(refused)
        if not include_hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".")]
        entered: list[str] = []
        for name in sorted(dirs):
            full = os.path.join(root, name)
            if os.path.islink(full):
                # os.walk lists a symlink to a folder among the folders but does not enter it.
                yield from _linked_folder(Path(full), roots, include_hidden, walked)
            elif _system_tree(os.path.realpath(full)) is not None:  # a walk of / meets /proc
                yield _skip(full, SystemPath(f"{safe_locator(full)} is never read"))
            else:
                entered.append(name)
        dirs[:] = entered
        for name in sorted(files):
            yield Path(root) / name
    yield from _refusals(refused)


def _linked_folder(
    link: Path, roots: InputRoots, include_hidden: bool, walked: list[str]
) -> Iterator[Path | Skip]:
    """A symlink to a folder: entered only with ``follow_links`` when it leads outside every input
    folder and does not hold one (which would loop); else a named skip."""
    try:
        real = os.path.realpath(link, strict=True)
    except OSError as exc:
        yield _skip(link, _broken(link, exc))
        return
    tree = _system_tree(real)
    if tree is not None:
        yield _skip(link, SystemPath(f"{_link_text(link, real)} is under {tree}, which is never read"))
    elif roots.inside(real) or any(_inside(real, done) for done in walked):
        yield _skip(
            link,
            LinkInsideInput(
                f"{_link_text(link, real)} is a symlink to a folder inside the input; not entered, "
                "its files are read where they are"
            ),
        )
    elif any(_inside(done, real) for done in walked):
        yield _skip(
            link,
            LinkInsideInput(
                f"{_link_text(link, real)} holds a folder being read; not entered (it would loop)"
            ),
        )
    elif not roots.follow_links:
        yield _skip(
            link,
            LinkOutsideInput(
                f"{_link_text(link, real)} leads outside the input folders; not followed",
                remedy=_FOLLOW_REMEDY,
            ),
        )
    else:
        walked.append(real)
        yield from _walk_tree(link, roots, include_hidden, walked)


def _skip(path: Path | str, error: InputError) -> Skip:
    return Skip(safe_locator(path), error.code, str(error))


def _refusals(refused: list[OSError]) -> Iterator[Skip]:
    for error in refused:
        where = safe_locator(error.filename) if error.filename is not None else "?"
        yield Skip(
            where,
            Unreadable.code,
            f"cannot list the folder: {error.strerror or error} (check its permissions)",
        )
    refused.clear()
