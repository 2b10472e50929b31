"""The corpus tables: column names, roles and the schema version.

See docs/corpus.md for the meaning of each column.
"""

from __future__ import annotations

SCHEMA_VERSION = "threadframe-corpus/1"

ROLES = ("title", "body", "comment", "boilerplate", "meta")
#: Roles analysis uses by default: the text people wrote about the issue.
CONTENT_ROLES = ("title", "body", "comment")
#: Roles that belong to the article side of a document (depth 0).
ARTICLE_ROLES = ("title", "body", "boilerplate", "meta")

DOC_COLUMNS = (
    "doc_id",
    "outlet",
    "outlet_kind",
    "title",
    "url",
    "published",
    "author",
    "language",
    "source_format",
    "source_path",
    "source_chars",
    "unaccounted_chars",
)

UNIT_COLUMNS = (
    "doc_id",
    "unit_id",
    "role",
    "position",
    "parent_id",
    "depth",
    "author",
    "published",
    "subject",
    "text",
    "start",
    "end",
    "locator",
    "platform_id",
    "flags",
)

PROBLEM_COLUMNS = ("source_path", "doc_id", "unit_id", "problem", "detail")

# Columns stored as strings (missing = NA), integers (nullable) and UTC times.
DOC_STR = ("doc_id", "outlet", "outlet_kind", "title", "url", "author", "language",
           "source_format", "source_path")
DOC_INT = ("source_chars", "unaccounted_chars")
UNIT_STR = ("doc_id", "unit_id", "role", "parent_id", "author", "subject", "text",
            "locator", "platform_id", "flags")
UNIT_INT = ("position", "depth", "start", "end")
TIME_COLUMNS = ("published",)

#: Flags a unit can carry (semicolon-separated in ``flags``).
FLAGS = {
    "text_lost": "the source shows the unit but its text was lost (kept so the tree stays whole)",
    "orphan": "its parent_id pointed nowhere; attached to the document top level",
    "loop": "its parent chain formed a loop; the loop was broken here",
    "deleted": "deleted on the platform; kept as a placeholder",
    "removed": "removed by moderators; kept as a placeholder",
    "spam": "marked as spam on the platform",
    "private": "visible only to followers or mentioned accounts on the platform (not public)",
    "blocked": "a placeholder the platform shows for a post hidden by a block; no text",
    "not_found": "a placeholder the platform shows for a post that no longer exists or was never loaded; no text",
    "more_stub": "stands for replies the export did not include",
    "unapproved": "held for moderation on the platform (not published)",
    "editorial": "an editorial insertion such as [...] or [Corrected broken link.]",
    "pingback": "a pingback/trackback notice in a comment list (a link from another site, not a reader)",
    "bad_date": "its time was unreadable or implausible (before 1970-01-02 or over a day from now); left empty",
    "bad_chars": "its text holds U+FFFD replacement characters: bytes that were not valid text (broken UTF-8, "
                 "stray NULs, lone surrogates) were replaced, here or before the export",
}
