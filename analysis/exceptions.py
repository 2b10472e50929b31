"""Every warning the analysis package emits, in one place (like ``sklearn.exceptions``).

All derive from :class:`threads.errors.ThreadframeWarning`, so one filter
silences or escalates the toolkit's warnings, and each can be filtered alone::

    >>> import warnings, analysis
    >>> warnings.simplefilter("error", analysis.NothingTaggedWarning)
    >>> warnings.resetwarnings()

Errors stay beside the code that raises them (``CodebookError``,
``TaggingError``, ``ModelError``, ...); all derive from
:class:`threads.errors.ThreadframeError`.
"""

from __future__ import annotations

from threads.errors import ThreadframeWarning

__all__ = ["LanguageMismatchWarning", "NothingTaggedWarning", "ThreadframeWarning",
           "UntaggedUnitsWarning"]


class LanguageMismatchWarning(ThreadframeWarning):
    """The codebook's language differs from the language of some documents."""


class NothingTaggedWarning(ThreadframeWarning):
    """A tagging call found no unit with the roles asked for, so nothing was tagged."""


class UntaggedUnitsWarning(ThreadframeWarning):
    """Some units have no tags and are left out of a comparison."""
