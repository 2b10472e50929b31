"""A codebook is plain YAML: a python (or any custom) tag is the project's
CodebookError naming the file and line, never a raw yaml error or an object."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import analysis
from analysis.models.model_io import ModelFileError
from analysis.tagging.codebook import CodebookError, codebook_path, load_codebook, parse_codebook

GOOD = codebook_path("surveillance").read_text(encoding="utf-8")


@pytest.mark.parametrize("line, tag", [
    ("name: !!python/name:os.system x", "!!python/name:os.system"),
    ("name: !!python/object/apply:os.system ['echo owned']", "!!python/object/apply:os.system"),
    ("name: !!python/object:collections.OrderedDict {}", "!!python/object:collections.OrderedDict"),
    ("name: !custom x", "!custom"),
])
def test_python_tags_name_the_file_and_line(tmp_path, line, tag):
    lines = GOOD.splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("name:"))
    lines[at] = line
    path = tmp_path / "evil.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = str(err.value)
    assert f"{path}, line {at + 1}: YAML tag {tag} is not allowed" in message
    assert err.value.problems == [(at + 1, err.value.problems[0][1])]


def test_tag_deep_inside_a_category_is_found(tmp_path):
    text = GOOD.replace("    definition: >-", "    definition: !!python/name:os.system\n    x: >-", 1)
    line = text.splitlines().index("    definition: !!python/name:os.system") + 1
    with pytest.raises(CodebookError, match=rf"mine\.yaml, line {line}: YAML tag !!python/name"):
        parse_codebook(text, source="mine.yaml")


def test_bad_explicit_int_is_a_codebook_error():
    text = GOOD.replace("  threshold: 1.0", '  threshold: !!int "ten"', 1)
    with pytest.raises(CodebookError, match="cannot be read"):
        parse_codebook(text, source="mine.yaml")


def test_model_file_with_a_tagged_embedded_codebook_is_refused(tmp_path):
    src = analysis.save_model(analysis.load_pretrained("policy-frames"), tmp_path / "m.tfm")
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["codebook"]["yaml"] = manifest["codebook"]["yaml"].replace(
        "name: policy-frames", "name: !!python/object/apply:os.system ['touch owned']", 1)
    members["manifest.json"] = json.dumps(manifest).encode()
    bad = Path(tmp_path / "bad.tfm")
    with zipfile.ZipFile(bad, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    with pytest.raises(ModelFileError, match=r"bad\.tfm.*embedded codebook.*line \d+: YAML tag "
                                             r"!!python/object/apply:os.system is not allowed"):
        analysis.load_model(bad)
    assert not (tmp_path / "owned").exists()
