"""One error hierarchy. Every error has a stable ``code`` (recorded with skips) and a message that says
what was wrong and what to do about it."""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, remedy: str | None = None) -> None:
        self.message = message
        self.remedy = remedy
        super().__init__(f"{message} ({remedy})" if remedy else message)


class InputError(StorylineError):
    """A document that cannot be ingested. Becomes a recorded skip; never stops a batch."""

    code = "input"


class EmptyInput(InputError):
    code = "empty"


class BinaryInput(InputError):
    code = "binary"


class TooLarge(InputError):
    code = "too-large"


class TooLong(InputError):
    """A document whose main text is longer than any article (a log, a book or a data dump saved as
    a page): refused after extraction, before the runner's repairs and the store hold it."""

    code = "too-long"


class TooSlow(InputError):
    """A document whose extraction or analysis ran past its deadline in the worker (a page built to
    make a parser crawl): a skip of that document, and the batch goes on."""

    code = "too-slow"


class TooLargeInMemory(InputError):
    """A document whose extraction or analysis needed more memory than a worker may take (its
    address-space limit): a skip of that document, and the worker goes on with the next."""

    code = "too-large-in-memory"


class UnsupportedInput(InputError):
    code = "unsupported"


class NotNews(InputError):
    """Program source or configuration, by its name (``SourceConfig.code_suffixes``) or its content
    (a whole JSON document, a settings file under a .txt name)."""

    code = "not-news"


class NoArticle(InputError):
    code = "no-article"


class MalformedFeed(InputError):
    code = "malformed-feed"


class MalformedRecord(InputError):
    code = "malformed-record"


class SpecialFile(InputError):
    """A FIFO, device or socket: refused by its type, never opened (a FIFO blocks, /dev/zero never ends)."""

    code = "special-file"


class Unreadable(InputError):
    """A file or folder the operating system will not let us read (permissions, a vanished file)."""

    code = "unreadable"


class MalformedArchive(InputError):
    code = "malformed-warc"


class TruncatedRecord(InputError):
    """A WARC record that ends before its declared length: storing it would store half a page."""

    code = "truncated"


class TooManyItems(InputError):
    """A container with more entries than the configured cap; the rest are one skip, not one each."""

    code = "too-many-items"


class FetchError(InputError):
    code = "fetch-failed"


class DeadlineExceeded(FetchError):
    """A fetch that took longer than its overall deadline (a server dripping bytes to hold us)."""

    code = "deadline"


class Forbidden(InputError):
    """Refused by policy: a private address, robots.txt, a scheme we do not fetch."""

    code = "forbidden"


class BadUrl(InputError):
    """A URL that cannot be read as one: a malformed host (``xn--``, ``[::1``, a label over 63
    characters, an IPv4 form out of range), a port out of range, no host. A skip of that URL alone."""

    code = "bad-url"


class LinkOutsideInput(Forbidden):
    """A symlink whose target is outside every folder the user named (``links/passwd -> /etc/passwd``):
    not followed unless ``--follow-links`` allows it."""

    code = "link-outside-input"


class LinkInsideInput(InputError):
    """A symlink to a folder inside the input: not entered, since its files are read where they are
    (and a link back up to a parent would loop)."""

    code = "link-inside-input"


class SystemPath(Forbidden):
    """A file under /proc, /sys or /dev: the running system's state (a process's environment, its
    memory map), never news, and never read, whatever the user allows."""

    code = "system-path"


class NotFound(StorylineError):
    code = "not-found"


class ConfigError(StorylineError):
    code = "config"


class Unavailable(StorylineError):
    """The store or the engine's cluster cannot be reached right now (a restart, a network cut): a
    long-running watcher waits for it; a one-off command stops with this."""

    code = "unavailable"


class MissingDependency(StorylineError):
    code = "missing-dependency"

    def __init__(self, package: str, extra: str, *, remedy: str | None = None) -> None:
        super().__init__(
            f"the optional package {package!r} is not installed",
            remedy=remedy or f"pip install 'storyline[{extra}]'",
        )


class Stopped(BaseException):
    """A stop signal (SIGTERM, Ctrl-C) reached work under way (a fetch, a document's extraction or
    analysis): it unwinds to the watcher, which ends cleanly with what is stored kept. A
    BaseException, like KeyboardInterrupt, so no ``except Exception`` on the way turns it into a
    skip or a failed poll."""
