"""Hostile folders: symlinks out of the folder, FIFOs, loops, unreadable subfolders, failing files."""

from __future__ import annotations

import json
import os
import warnings

import pytest

import threads
from analysis.cli import main
from threads._folder import list_folder
from threads.errors import InputError
from threads.read import SkippedFileWarning

ARTICLE = "A headline\n\nThe first paragraph of the article body.\n"


def _read(path, **kw):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        corpus = threads.read(path, **kw)
    return corpus, [str(w.message) for w in record if issubclass(w.category, SkippedFileWarning)]


def _skipped(corpus) -> dict[str, str]:
    rows = corpus.problems[corpus.problems["problem"] == "skipped"]
    return dict(zip(rows["source_path"], rows["detail"], strict=True))


@pytest.fixture()
def folder(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return src


def test_symlink_leaving_the_folder_is_skipped_and_listed(folder, tmp_path):
    secret = tmp_path / "secret.txt"  # stands in for /etc/passwd
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "passwd").symlink_to(secret)
    corpus, warned = _read(folder)
    assert corpus.docs["doc_id"].tolist() == ["good"]
    assert not corpus.units["text"].str.contains("root:x").any()
    reason = _skipped(corpus)[str(folder / "passwd")]
    assert reason.startswith(f"symlink leaving the folder (to {secret.resolve()})")
    assert warned == [f"skipped {folder / 'passwd'}: {reason}"]


def test_follow_symlinks_reads_links_out_of_the_folder(folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "linked").symlink_to(outside)
    corpus, _ = _read(folder)
    assert corpus.docs["doc_id"].tolist() == ["good"]
    assert "symlink leaving the folder" in _skipped(corpus)[str(folder / "linked")]
    corpus, warned = _read(folder, follow_symlinks=True)
    assert sorted(corpus.docs["doc_id"]) == ["good", "other"] and warned == []


def test_symlink_inside_the_folder_is_read_once(folder):
    (folder / "alias.txt").symlink_to(folder / "good.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "also-sub").symlink_to(folder / "sub")
    (folder / ".store").mkdir()
    (folder / ".store" / "kept.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "kept.txt").symlink_to(folder / ".store" / "kept.txt")  # hidden target: read through the link
    corpus, warned = _read(folder)
    assert corpus.docs["doc_id"].tolist() == ["good", "kept", "x"]
    skipped = _skipped(corpus)
    assert skipped[str(folder / "alias.txt")] == (f"symlink to a file inside the folder "
                                                 f"({(folder / 'good.txt').resolve()}), which is read as itself")
    assert skipped[str(folder / "also-sub")].startswith("symlink to a folder inside the folder")
    assert len(warned) == 2


def test_dangling_looping_and_repeated_symlinks_are_listed(folder):
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)  # a folder that contains itself
    outside = folder.parent / "outside"
    outside.mkdir()
    (outside / "o.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "out1").symlink_to(outside)
    (folder / "out2").symlink_to(outside)  # with follow_symlinks, read once
    (folder / "o-again.txt").symlink_to(outside / "o.txt")
    corpus, warned = _read(folder, follow_symlinks=True)
    assert corpus.docs["doc_id"].tolist() == ["good", "o-again"]
    skipped = _skipped(corpus)
    assert skipped[str(folder / "gone.txt")].startswith("dangling or looping symlink")
    assert skipped[str(folder / "a")].startswith("dangling or looping symlink")
    assert skipped[str(folder / "sub" / "up")].startswith(f"looping symlink (to {folder.resolve()}")
    assert skipped[str(folder / "out2")] == f"symlink to a folder already read ({outside.resolve()})"
    assert skipped[str(folder / "out2")] == f"symlink to a folder already read ({outside.resolve()})"
    assert skipped[str(folder / "out1" / "o.txt")] == (f"the same file as {folder / 'o-again.txt'} "
                                                      "(through a symlink); read once")
    assert len(warned) == 6


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_a_folder_is_skipped_not_read(folder):
    os.mkfifo(folder / "pipe")
    corpus, warned = _read(folder)  # reading the FIFO would block forever
    assert corpus.docs["doc_id"].tolist() == ["good"]
    assert _skipped(corpus) == {str(folder / "pipe"): "not a regular file (a FIFO)"}
    assert warned == [f"skipped {folder / 'pipe'}: not a regular file (a FIFO)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_or_device_named_directly_is_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(InputError, match=r"pipe: not a regular file \(a FIFO\)"):
        threads.read(tmp_path / "pipe")
    if os.path.exists("/dev/zero"):
        with pytest.raises(InputError, match=r"^/dev/zero: not a regular file \(a device\)"):
            threads.read("/dev/zero")


def test_unreadable_subfolder_is_listed(folder, monkeypatch):
    locked = folder / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text(ARTICLE, encoding="utf-8")
    real = os.scandir

    def scandir(path):  # chmod 0 does not stop root, so the refusal is simulated
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr("threads._folder.os.scandir", scandir)
    corpus, warned = _read(folder)
    assert corpus.docs["doc_id"].tolist() == ["good"]
    assert warned == [f"skipped {locked}: unreadable subfolder (Permission denied)"]
    assert _skipped(corpus)[str(locked)].startswith("unreadable subfolder (Permission denied)")


def test_listing_is_sorted_and_deterministic(tmp_path):
    for name in ("b.txt", "a.txt", "c/z.txt", "c/a.txt", ".hidden/x.txt", "c/.h.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    files, skipped = list_folder(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "b.txt", "c/a.txt", "c/z.txt"]
    assert skipped == []


def test_one_failing_file_does_not_abort_the_folder(folder):
    # a Reddit thread whose post has no "data": the parser used to raise KeyError for the whole folder
    bad = [{"kind": "Listing", "data": {"children": [{"kind": "t3"}]}},
           {"kind": "Listing", "data": {"children": []}}]
    (folder / "thread.json").write_text(json.dumps(bad), encoding="utf-8")
    corpus, warned = _read(folder)
    assert corpus.docs["doc_id"].tolist() == ["good"]
    assert str(folder / "thread.json") in _skipped(corpus)
    assert len(warned) == 1 and warned[0].startswith(f"skipped {folder / 'thread.json'}: ")


def test_cli_follow_symlinks(folder, tmp_path, capsys):
    outside = tmp_path / "outside.txt"
    outside.write_text(ARTICLE, encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    assert main(["parse", str(folder), "--out", str(tmp_path / "o1")]) == 0
    printed = capsys.readouterr()
    assert f"skipped {folder / 'link.txt'}: symlink leaving the folder" in printed.out
    assert f"warning: skipped {folder / 'link.txt'}: symlink leaving the folder" in printed.err
    assert main(["parse", str(folder), "--out", str(tmp_path / "o2"), "--follow-symlinks"]) == 0
    assert sorted(threads.read_corpus(tmp_path / "o2").docs["doc_id"]) == ["good", "link"]


def test_a_parser_bug_on_one_file_is_listed_and_the_rest_parsed(folder, monkeypatch):
    import dataclasses

    from threads.formats import _REGISTRY, registry

    text = registry()["text"]

    def parse(source, path, doc_id):  # stands for a parser bug on one odd file
        if path.name == "odd.txt":
            raise KeyError("data")
        return text.parse(source, path, doc_id)

    monkeypatch.setitem(_REGISTRY, "text", dataclasses.replace(text, parse=parse))
    (folder / "odd.txt").write_text(ARTICLE, encoding="utf-8")
    corpus, warned = _read(folder)
    assert corpus.docs["doc_id"].tolist() == ["good"]
    reason = "the parser failed (KeyError: 'data'); please report this file"
    assert _skipped(corpus) == {str(folder / "odd.txt"): reason}
    assert warned == [f"skipped {folder / 'odd.txt'}: {reason}"]
    with pytest.raises(KeyError):  # named directly, a bug is not hidden
        threads.read(folder / "odd.txt")


def test_document_ids_that_collide_across_files_are_made_unique(folder, fixtures):
    # a.json holds comments of post 999, which become document "a-999", the id of a-999.txt too
    data = json.loads((fixtures / "platforms" / "lemmy_comments.json").read_text(encoding="utf-8"))
    data["comments"][0]["comment"]["post_id"] = 999
    (folder / "a.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "a-999.txt").write_text(ARTICLE, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the moved comment is a data gap; not what is tested
        corpus = threads.read(folder)
    docs = corpus.docs.set_index("doc_id")["source_path"]
    assert docs.to_dict() == {"a-999": str(folder / "a-999.txt"), "a-2": str(folder / "a.json"),
                              "a-2-999": str(folder / "a.json"), "good": str(folder / "good.txt")}


def test_readme_and_licence_files_in_a_folder_are_listed_not_parsed_as_articles(tmp_path):
    """A dataset folder's LICENSE.txt was read as a text document (issue 18)."""
    import warnings

    import threads

    (tmp_path / "thread.txt").write_text("A headline\n\nThe article's first paragraph is here.\n",
                                         encoding="utf-8")
    (tmp_path / "LICENSE.txt").write_text("Permission is hereby granted, free of charge, ...\n", encoding="utf-8")
    (tmp_path / "praw-LICENSE.txt").write_text("BSD 2-Clause License ...\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Data\n\nWhere these files came from.\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read(tmp_path)
    assert corpus.docs["doc_id"].tolist() == ["thread"]
    skipped = corpus.problems[corpus.problems["problem"] == "skipped"]
    assert sorted(p.split("/")[-1] for p in skipped["source_path"]) == ["LICENSE.txt", "README.md",
                                                                       "praw-LICENSE.txt"]
    assert skipped["detail"].str.startswith("not an input").all()
    # named directly, such a file is read: the user asked for it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(threads.read(tmp_path / "README.md").docs) == 1
