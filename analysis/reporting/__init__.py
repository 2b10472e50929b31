"""The whole analysis of a corpus as one report, and the demo (docs/comparison.md).

The public names are re-exported by ``analysis``; import them from there."""
