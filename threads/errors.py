"""Errors and warnings raised for users.

Every error that reaches a user names the file (when there is one) and the
problem in plain words. Warnings mark data that was kept but repaired or
quarantined (flagged in the ``flags`` column and listed in
``Corpus.problems``), never silently changed.
"""

from __future__ import annotations

import os


class ThreadframeError(ValueError):
    """Base class of the errors threadframe raises for bad input."""


class InputError(ThreadframeError):
    """A file or table that cannot be read: names the source and the problem."""

    def __init__(self, source: str | os.PathLike | None, problem: str):
        self.source = None if source is None else str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}" if self.source else problem)


class FormatError(InputError):
    """The content is not of the expected (or any known) format."""


class SchemaError(ThreadframeError):
    """A saved corpus or table does not have the expected schema or version."""


class CorpusError(ThreadframeError):
    """A corpus table breaks the contract (missing columns, duplicate ids, ...)."""


class ThreadframeWarning(UserWarning):
    """Data was kept but repaired, flagged or quarantined."""


class EncodingWarning_(ThreadframeWarning):
    """A file was not UTF-8 and was decoded with a fallback encoding."""


class ReplyTreeWarning(ThreadframeWarning):
    """A reply points nowhere or forms a loop; the row was kept and flagged."""


class UnplacedTextWarning(ThreadframeWarning):
    """A parser saw structure (e.g. comment markers) it could not place."""


class DataGapWarning(ThreadframeWarning):
    """The export refers to something it does not contain (e.g. a thread id with no thread)."""


class BadTimeWarning(ThreadframeWarning):
    """A page states a time that cannot be right (e.g. an impossible UTC offset); it was left NaT."""


class TruncatedPageWarning(ThreadframeWarning):
    """An HTML page ends before its closing tags: what is there was parsed."""


class SkippedFileWarning(ThreadframeWarning):
    """A file inside a folder could not be read; it was skipped and reported."""
