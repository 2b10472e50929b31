"""Coding sheets, reliability, evaluation against human coders and methods paragraphs (docs/validation.md).

The public names are re-exported by ``analysis``; import them from there."""
