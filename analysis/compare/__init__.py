"""Prevalence, group comparisons, distinctive terms, reply trees and story alignment (docs/comparison.md).

The public names are re-exported by ``analysis``; import them from there."""
