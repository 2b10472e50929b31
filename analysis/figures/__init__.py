"""House style, plots and figure saving (docs/figures.md).

The public names are re-exported by ``analysis``; import them from there."""
