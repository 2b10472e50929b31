"""Codebooks, the cue matcher, the dictionary tagger, whataboutism rules and explanations (docs/codebooks.md, docs/tagging.md).

The public names are re-exported by ``analysis``; import them from there."""
