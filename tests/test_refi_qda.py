"""Corpus.to_refi_qda writes a .qdpx that validates against the REFI-QDA schema; read_refi_qda reads codes back.

``tests/fixtures/refi_qda/Project-mrt2019.xsd`` is the REFI-QDA Project
schema (QDA-XML 1.0, 18 March 2019; MIT licence, notice inside the file),
taken from github.com/enricllagostera/ponte (process/ref_materials).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import lxml.etree as et
import pandas as pd
import pytest

import threads
from threads.errors import CorpusError, FormatError
from threads.refi_qda import AUTO_CODER, NS, guid

FIX = Path(__file__).parent / "fixtures"
SCHEMA = et.XMLSchema(et.parse(str(FIX / "refi_qda" / "Project-mrt2019.xsd")))
Q = f"{{{NS}}}"


@pytest.fixture(scope="module")
def tagged():
    from analysis import tag

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read(FIX / "platforms" / "reddit_thread.json")
    return corpus, tag(corpus)


def _qde(path: Path) -> et._Element:
    with zipfile.ZipFile(path) as z:
        return et.fromstring(z.read("project.qde"))


def _valid(root) -> None:
    assert SCHEMA.validate(root), SCHEMA.error_log


def test_project_validates_against_the_refi_qda_schema(tmp_path, tagged):
    corpus, result = tagged
    path = corpus.to_refi_qda(tmp_path / "p.qdpx", tags=result, codes=result.codebook)
    root = _qde(path)
    _valid(root)
    content = corpus.select()
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    assert [s.get("name") for s in sources] == content["unit_id"].tolist()
    codes = root.findall(f"{Q}CodeBook/{Q}Codes/{Q}Code")
    assert [c.get("name") for c in codes] == [*result.codebook.categories, "stance"]  # the stance group last
    assert codes[0].find(f"{Q}Description").text == result.codebook.specs[0].definition
    with zipfile.ZipFile(path) as z:  # each source's text is its own file, as the spec has it
        for s, text in zip(sources, content["text"], strict=True):
            assert s.get("plainTextPath") == f"internal://{s.get('guid')}.txt"
            assert z.read(f"Sources/{s.get('guid')}.txt").decode() == text
    cases = root.findall(f"{Q}Cases/{Q}Case")
    assert [c.get("name") for c in cases] == corpus.docs["doc_id"].tolist()


def test_segments_sit_on_the_evidence_spans(tmp_path, tagged):
    corpus, result = tagged
    q = threads.read_refi_qda(corpus.to_refi_qda(tmp_path / "p.qdpx", tags=result, codes=result.codebook))
    present = result.tags[result.tags["present"]][["unit_id", "category"]]
    ev = result.evidence.merge(present, on=["unit_id", "category"])
    got = q.segments.sort_values(["unit_id", "start", "category"]).reset_index(drop=True)
    want = ev.sort_values(["unit_id", "start", "category"]).reset_index(drop=True)
    assert got[["unit_id", "category", "start", "end"]].values.tolist() == \
        want[["unit_id", "category", "start", "end"]].values.tolist()
    texts = dict(zip(corpus.units["unit_id"], corpus.units["text"], strict=True))
    assert all(texts[u][s:e] == t for u, s, e, t in got[["unit_id", "start", "end", "text"]].values)
    assert set(got["coder"]) == {AUTO_CODER}


def test_round_trip_corpus_to_coding_sheet(tmp_path, tagged):
    corpus, result = tagged
    q = threads.read_refi_qda(corpus.to_refi_qda(tmp_path / "p.qdpx", tags=result, codes=result.codebook))
    sheet = q.coding_sheet(include_auto=True)
    assert list(sheet.columns) == ["coder", "unit_id", "category", "code"]
    wide = result.wide().loc[corpus.select()["unit_id"]]
    back = sheet.pivot(index="unit_id", columns="category", values="code").loc[wide.index, list(wide.columns)]
    assert (back.to_numpy() == wide.astype(int).to_numpy()).all()
    assert q.coding_sheet().empty  # only the automated coding so far


def test_a_tag_without_a_span_codes_the_whole_unit(tmp_path, tagged):
    corpus, _ = tagged
    uid = corpus.select()["unit_id"].iloc[3]
    tags = pd.DataFrame({"unit_id": [uid], "category": ["irony"], "present": [True]})
    q = threads.read_refi_qda(corpus.to_refi_qda(tmp_path / "p.qdpx", tags=tags,
                                                 codes={"irony": "says the opposite of what it means"}))
    text = corpus.units.set_index("unit_id").loc[uid, "text"]
    assert q.segments[["unit_id", "category", "start", "end"]].values.tolist() == [[uid, "irony", 0, len(text)]]


def _add_human_codes(path: Path, out: Path, coder: str, coded: list[tuple[str, str, int, int]]) -> None:
    """What a QDA program adds when a person codes: a user, and selections with a coding each."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    root = et.fromstring(members["project.qde"])
    user = guid("user", coder)
    et.SubElement(root.find(f"{Q}Users"), f"{Q}User", guid=user, name=coder)
    by_name = {s.get("name"): s for s in root.iter(f"{Q}TextSource")}
    for n, (unit, category, start, end) in enumerate(coded):
        src = by_name[unit]
        sel = et.Element(f"{Q}PlainTextSelection", guid=guid("h", f"{coder}{n}"), startPosition=str(start),
                         endPosition=str(end), creatingUser=user)
        coding = et.SubElement(sel, f"{Q}Coding", guid=guid("hc", f"{coder}{n}"), creatingUser=user)
        et.SubElement(coding, f"{Q}CodeRef", targetGUID=guid("code", category))
        first_var = src.find(f"{Q}VariableValue")  # selections come before the variables (schema order)
        (first_var.addprevious(sel) if first_var is not None else src.append(sel))
    members["project.qde"] = et.tostring(root, xml_declaration=True, encoding="utf-8")
    with zipfile.ZipFile(out, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)


def test_human_codes_come_back_for_reliability(tmp_path, tagged):
    from analysis import reliability_report

    corpus, result = tagged
    path = corpus.to_refi_qda(tmp_path / "p.qdpx", tags=result, codes=result.codebook)
    units = corpus.select()["unit_id"].tolist()
    _add_human_codes(path, tmp_path / "a.qdpx", "Ana", [(units[0], "geopolitics", 0, 5), (units[1], "security", 2, 9),
                                                        (units[1], "security", 20, 30)])
    _add_human_codes(tmp_path / "a.qdpx", tmp_path / "ab.qdpx", "Ben", [(units[1], "security", 0, 4)])
    root = _qde(tmp_path / "ab.qdpx")
    _valid(root)  # still a valid project after the people's codes
    q = threads.read_refi_qda(tmp_path / "ab.qdpx")
    assert q.coders == (AUTO_CODER, "Ana", "Ben")
    sheet = q.coding_sheet()
    assert set(sheet["coder"]) == {"Ana", "Ben"}
    assert len(sheet) == 2 * len(units) * (len(result.codebook.categories) + 2)  # + stance:critical/supportive
    ana = sheet[(sheet["coder"] == "Ana") & (sheet["code"] == 1)]
    assert sorted(zip(ana["unit_id"], ana["category"], strict=True)) == sorted(
        [(units[0], "geopolitics"), (units[1], "security")])
    coded = q.coding_sheet(scope="coded")
    assert set(coded.loc[coded["coder"] == "Ben", "unit_id"]) == {units[1]}
    report = reliability_report(sheet)
    assert "(overall)" in report.iloc[:, 0].tolist()
    both = q.coding_sheet(include_auto=True)
    assert set(both["coder"]) == {AUTO_CODER, "Ana", "Ben"}


def test_bad_arguments(tmp_path, tagged):
    corpus, result = tagged
    with pytest.raises(CorpusError, match="ending in .qdpx"):
        corpus.to_refi_qda(tmp_path / "p.zip")
    with pytest.raises(CorpusError, match="codes: expected"):
        corpus.to_refi_qda(tmp_path / "p.qdpx", codes=42)
    corpus.to_refi_qda(tmp_path / "plain.qdpx")  # no tags, no codes: sources only, still valid
    _valid(_qde(tmp_path / "plain.qdpx"))


# ---------------------------------------------------------------------- hostile projects
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)
    return path


def _xml(body: str) -> bytes:
    return f'<?xml version="1.0"?>\n{body}'.encode()


def test_path_traversal_member_is_refused(tmp_path):
    p = _zip(tmp_path / "evil.qdpx", {"project.qde": _xml(f'<Project xmlns="{NS}" name="x"/>'),
                                      "../../etc/evil.txt": b"x"})
    with pytest.raises(FormatError, match="leave the archive"):
        threads.read_refi_qda(p)
    p = _zip(tmp_path / "abs.qdpx", {"project.qde": _xml(f'<Project xmlns="{NS}" name="x"/>'), "/tmp/x": b"x"})
    with pytest.raises(FormatError, match="leave the archive"):
        threads.read_refi_qda(p)


def test_zip_bomb_is_refused(tmp_path):
    filler = b"<!--" + b" " * (60 * 1024 * 1024) + b"-->"
    p = _zip(tmp_path / "bomb.qdpx", {"project.qde": _xml(f'<Project xmlns="{NS}" name="x"/>') + filler})
    assert p.stat().st_size < 200_000
    with pytest.raises(FormatError, match="zip bomb"):
        threads.read_refi_qda(p)
    with pytest.raises(FormatError, match="max_bytes"):
        threads.read_refi_qda(_zip(tmp_path / "big.qdpx", {"project.qde": b"x" * 5000}), max_bytes=1000)


def test_entities_are_refused(tmp_path):
    laughs = ('<!DOCTYPE Project [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              f'<Project xmlns="{NS}" name="&b;"/>')
    with pytest.raises(FormatError, match="entities"):
        threads.read_refi_qda(_zip(tmp_path / "laughs.qdpx", {"project.qde": _xml(laughs)}))
    external = f'<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project xmlns="{NS}" name="&x;"/>'
    with pytest.raises(FormatError, match="external entity"):
        threads.read_refi_qda(_zip(tmp_path / "ext.qdpx", {"project.qde": _xml(external)}))


def test_not_a_project(tmp_path):
    (tmp_path / "x.qdpx").write_bytes(b"not a zip")
    with pytest.raises(FormatError, match="not a zip archive"):
        threads.read_refi_qda(tmp_path / "x.qdpx")
    with pytest.raises(FormatError, match="no project.qde"):
        threads.read_refi_qda(_zip(tmp_path / "empty.qdpx", {"Sources/a.txt": b"x"}))
    with pytest.raises(FormatError, match="not Project"):
        threads.read_refi_qda(_zip(tmp_path / "cb.qdpx", {"project.qde": _xml('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')}))
    truncated = io.BytesIO()
    with zipfile.ZipFile(truncated, "w") as z:
        z.writestr("project.qde", _xml(f'<Project xmlns="{NS}" name="x"><Users>'))
    (tmp_path / "t.qdpx").write_bytes(truncated.getvalue())
    with pytest.raises(FormatError, match="truncated"):
        threads.read_refi_qda(tmp_path / "t.qdpx")


def test_coding_of_an_unknown_code_is_named(tmp_path):
    body = (f'<Project xmlns="{NS}" name="x"><Sources><TextSource guid="{guid("s", "1")}" name="u1">'
            f'<PlainTextContent>hello</PlainTextContent><Coding guid="{guid("c", "1")}">'
            f'<CodeRef targetGUID="{guid("code", "nope")}"/></Coding></TextSource></Sources></Project>')
    with pytest.raises(FormatError, match="which the code book lacks"):
        threads.read_refi_qda(_zip(tmp_path / "x.qdpx", {"project.qde": _xml(body)}))


def test_a_maxqda_style_project_with_lower_case_folder_and_inline_text(tmp_path):
    # MAXQDA and others write "sources/" or inline PlainTextContent; both are read
    a, b = guid("s", "a"), guid("s", "b")
    code, user = guid("code", "rights"), guid("user", "Ana")
    body = (f'<Project xmlns="{NS}" name="m" origin="MAXQDA 2020"><Users><User guid="{user}" name="Ana"/></Users>'
            f'<CodeBook><Codes><Code guid="{code}" name="rights" isCodable="true"/></Codes></CodeBook><Sources>'
            f'<TextSource guid="{a}" name="doc A" plainTextPath="internal://{a}.txt">'
            f'<PlainTextSelection guid="{guid("x", "1")}" startPosition="4" endPosition="10" creatingUser="{user}">'
            f'<Coding guid="{guid("x", "2")}" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
            f'</PlainTextSelection></TextSource>'
            f'<TextSource guid="{b}" name="doc B"><PlainTextContent>Nothing here.</PlainTextContent></TextSource>'
            f'</Sources></Project>')
    root = et.fromstring(body.encode())
    _valid(root)
    p = _zip(tmp_path / "m.qdpx", {"project.qde": _xml(body), f"sources/{a}.txt": b"Our rights matter."})
    q = threads.read_refi_qda(p)
    assert q.segments[["unit_id", "coder", "category", "text"]].values.tolist() == [["doc A", "Ana", "rights", "rights"]]
    sheet = q.coding_sheet()
    assert sheet[["unit_id", "code"]].values.tolist() == [["doc A", 1], ["doc B", 0]]


def test_tags_outside_the_code_system_warn(tmp_path, tagged):
    from threads.errors import ThreadframeWarning

    corpus, result = tagged
    with pytest.warns(ThreadframeWarning, match="not in the code system"):
        p = corpus.to_refi_qda(tmp_path / "p.qdpx", tags=result, codes={"security": "safety and crime"})
    q = threads.read_refi_qda(p)
    assert set(q.segments["category"]) <= {"security", "stance:critical", "stance:supportive"}
    assert q.categories == ("security", "stance:critical", "stance:supportive")


def test_stance_as_whole_unit_codes(tmp_path, tagged):
    from types import SimpleNamespace

    corpus, real = tagged
    sides = ["critical", "supportive", "neutral"] * len(real.stance)
    result = SimpleNamespace(tags=real.tags, evidence=real.evidence,  # a tagging result, duck-typed
                             stance=real.stance.assign(stance=sides[:len(real.stance)]))
    q = threads.read_refi_qda(corpus.to_refi_qda(tmp_path / "p.qdpx", tags=result, codes=real.codebook))
    _valid(_qde(tmp_path / "p.qdpx"))
    assert q.categories[-2:] == ("stance:critical", "stance:supportive") and "stance" not in q.categories
    sheet = q.coding_sheet(include_auto=True).set_index(["unit_id", "category"])["code"]
    for unit_id, side in result.stance[["unit_id", "stance"]].values:
        for code in ("critical", "supportive"):
            assert sheet.loc[(unit_id, f"stance:{code}")] == int(side == code)
