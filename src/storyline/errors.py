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


class UnsupportedInput(InputError):
    code = "unsupported"


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

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"the optional package {package!r} is not installed",
            remedy=f"pip install 'storyline[{extra}]'",
        )
