"""Codebooks in German and French: the same scheme as the English one, in the documents' language."""

from __future__ import annotations

import pytest

import analysis
from analysis.tagging.codebook import BUILTIN, codebook_path

VARIANTS = [(name, lang) for name in BUILTIN for lang in ("de", "fr")]


@pytest.mark.parametrize(("name", "language"), VARIANTS)
def test_variant_has_the_scheme_of_the_base(name, language):
    base = analysis.load_codebook(name)
    path = codebook_path(name).with_name(f"{name}.{language}.yaml")
    variant = analysis.load_codebook(path)
    assert variant.name == base.name and variant.version == base.version
    assert variant.language == language and base.language == "en"
    assert variant.categories == base.categories
    for b, v in zip(base, variant, strict=True):
        assert (v.code, v.rules, v.threshold) == (b.code, b.rules, b.threshold), v.name
        assert bool(v.cues) == bool(b.cues), v.name  # hand-coded-only stays hand-coded-only
        assert v.definition and v.definition != b.definition, f"{v.name}: not translated"
    assert (base.stance is None) == (variant.stance is None)
    if base.stance is not None:
        assert variant.stance.threshold == base.stance.threshold
        assert variant.stance.critical and variant.stance.supportive
    # the file says what it is: a translation to be checked by native speakers
    assert "awaiting validation" in path.read_text(encoding="utf-8").lower()
