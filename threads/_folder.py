"""Listing the files of a folder for ``threads.read``: what is read, what is skipped and why.

A folder is walked with an explicit stack (no recursion limit), in sorted
order, so the same folder always gives the same files in the same order.
Hidden entries (names starting with ``.``) are ignored. Entries that are not
read are returned with their reason, never dropped silently:

- a symlink whose target lies outside the folder (unless ``follow_symlinks``),
  so a stray link to ``/etc/passwd`` or a home directory is not ingested;
- a symlink to a file or folder inside the folder, which is read as itself
  (once, not twice; a link into a hidden folder is followed);
- a dangling symlink, or one that loops;
- a FIFO, socket or device (reading one would block or never end);
- a subfolder that cannot be listed (e.g. permission denied);
- a folder reached a second time through a symlink, e.g. one outside the
  folder linked twice with ``follow_symlinks`` (it is read once);
- a file that is about the data, not data: a README, licence, notice,
  changelog or checksum manifest (:func:`not_an_input`), which would
  otherwise be parsed as an article. Name such a file directly to read it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

#: File names (without suffix, lower case) that describe a dataset rather than hold it.
_NOT_INPUTS = ("readme", "license", "licence", "copying", "notice", "changelog", "changes", "authors",
               "citation", "manifest")
_NOT_INPUT_SUFFIXES = ("", ".txt", ".md", ".rst", ".json", ".cff")


def not_an_input(path: Path) -> str | None:
    """Why a file in a folder is not read as data (a README, a licence, ...), or None."""
    stem = path.name.lower()
    for suffix in sorted(_NOT_INPUT_SUFFIXES, key=len, reverse=True):
        if suffix and stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        if "." in path.name:
            return None
    stem = stem.replace("_", "-")
    kind = stem if stem in _NOT_INPUTS else (
        "license" if stem.endswith(("-license", "-licence")) else None)  # e.g. praw-LICENSE.txt
    if kind is None:
        return None
    return f"not an input: a {kind} file about the data (name it directly to read it)"


@dataclass(frozen=True)
class Skipped:
    """A folder entry that was not read, and why."""

    path: Path
    reason: str


def special_kind(mode: int) -> str | None:
    """``"FIFO"``, ``"socket"`` or ``"device"`` for those file modes, else None."""
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return None


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _hidden(target: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in target.relative_to(root).parts)


def list_folder(folder: str | os.PathLike, follow_symlinks: bool = False) -> tuple[list[Path], list[Skipped]]:
    """The regular files under ``folder`` (sorted) and the entries skipped, with reasons.

    Symlinks to what the folder holds anyway are skipped (it is read once);
    those that leave it are skipped unless ``follow_symlinks=True``. Raises :class:`InputError`
    when ``folder`` itself cannot be listed.
    """
    top = Path(folder)
    root = top.resolve()
    files: list[Path] = []
    skipped: list[Skipped] = []
    seen_dirs = {root}
    followed = False
    stack = [top]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if here is top:
                raise InputError(top, f"folder cannot be read: {exc.strerror or exc}") from None
            skipped.append(Skipped(here, f"unreadable subfolder ({exc.strerror or exc})"))
            continue
        subdirs: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                    mode = target.stat().st_mode
                except (OSError, RuntimeError):
                    skipped.append(Skipped(path, "dangling or looping symlink (its target cannot be reached)"))
                    continue
                is_dir = stat.S_ISDIR(mode)
                if is_dir and _inside(root, target):
                    skipped.append(Skipped(path, f"looping symlink (to {target}, which contains it)"))
                    continue
                if _inside(target, root):
                    if not _hidden(target, root):  # the target is read as itself: once, not twice
                        skipped.append(Skipped(path, f"symlink to a {'folder' if is_dir else 'file'} inside "
                                                     f"the folder ({target}), which is read as itself"))
                        continue
                elif not follow_symlinks:
                    skipped.append(Skipped(path, f"symlink leaving the folder (to {target}); "
                                                 "pass follow_symlinks=True (--follow-symlinks) to read it"))
                    continue
                followed = True
                if is_dir and target in seen_dirs:  # e.g. one folder outside linked twice
                    skipped.append(Skipped(path, f"symlink to a folder already read ({target})"))
                    continue
                if is_dir:
                    seen_dirs.add(target)
            else:
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError as exc:
                    skipped.append(Skipped(path, f"cannot be read: {exc.strerror or exc}"))
                    continue
                if stat.S_ISDIR(mode):
                    seen_dirs.add(path.resolve())
            if stat.S_ISDIR(mode):
                subdirs.append(path)
            elif stat.S_ISREG(mode):
                if (why := not_an_input(path)) is not None:
                    skipped.append(Skipped(path, why))
                else:
                    files.append(path)
            else:
                kind = special_kind(mode) or "special file"
                skipped.append(Skipped(path, f"not a regular file (a {kind})"))
        stack.extend(reversed(subdirs))
    files.sort()
    if followed:  # links out of the folder may reach one file twice: read it once
        files = _once(files, skipped)
    return files, skipped


def _once(files: list[Path], skipped: list[Skipped]) -> list[Path]:
    first: dict[Path, Path] = {}
    out = []
    for f in files:
        real = f.resolve()
        if real in first:
            skipped.append(Skipped(f, f"the same file as {first[real]} (through a symlink); read once"))
        else:
            first[real] = f
            out.append(f)
    return out
