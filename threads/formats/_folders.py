"""Folders that are one thread: a format may claim a whole folder through one entry file.

A format registers ``options["folder_entry"]``: ``folder -> entry file or
None``. When :func:`threads.read` walks a folder, every file inside a claimed
folder except its entry is left to the entry's parser (which reads its
siblings itself), so e.g. a RumourEval thread folder becomes one document.
"""

from __future__ import annotations

from pathlib import Path

from . import registry


def claim_folders(root: Path, files: list[Path]) -> list[Path]:
    """``files`` (found under ``root``) without those a claimed folder's entry file reads itself."""
    finders = [f.options["folder_entry"] for f in registry().values() if "folder_entry" in f.options]
    if not finders:
        return files
    entries: dict[Path, Path | None] = {}

    def entry_of(folder: Path) -> Path | None:
        if folder not in entries:
            entries[folder] = next((e for e in (find(folder) for find in finders) if e is not None), None)
        return entries[folder]

    kept = []
    for f in files:
        claimed = None
        for folder in f.parents:
            entry = entry_of(folder)
            if entry is not None:
                claimed = entry
            if folder == root:
                break
        if claimed is None or f == claimed:
            kept.append(f)
    return kept
