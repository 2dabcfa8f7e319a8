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


class FetchError(InputError):
    code = "fetch-failed"


class Forbidden(InputError):
    """Refused by policy: a private address, robots.txt, a scheme we do not fetch."""

    code = "forbidden"


class NotFound(StorylineError):
    code = "not-found"


class ConfigError(StorylineError):
    code = "config"


class MissingDependency(StorylineError):
    code = "missing-dependency"

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"the optional package {package!r} is not installed",
            remedy=f"pip install 'storyline[{extra}]'",
        )
