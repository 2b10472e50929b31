"""Coding sheets: draw a sample of units, write a sheet for human coders (CSV or
Excel) with the codebook's definitions beside the units, and read the coded
sheets of several coders back into one long table checked against the codebook.

Two coding schemes:

* ``presence`` (default): one column per category, coded ``1`` (present),
  ``0`` (absent) or left blank (not coded);
* ``single``: one ``frame`` column holding the single category that fits best.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.validation._sheet_cells import (
    escape_frame,
    formula_cells,
    unescape_frame,
    write_workbook,
)
from threads.errors import InputError, ThreadframeError
from threads.schema import CONTENT_ROLES

SCHEMES = ("presence", "single")
SINGLE_COLUMN = "frame"
TRUE_CODES = {"1", "1.0", "yes", "y", "true", "x"}
FALSE_CODES = {"0", "0.0", "no", "n", "false"}
SHEET_UNITS = "units"
SHEET_CODEBOOK = "codebook"
SHEET_ABOUT = "about"
#: Columns a sheet carries beside the text (those the units table has).
CONTEXT_COLUMNS = ("unit_id", "doc_id", "outlet", "role", "depth", "parent_text", "text")


class CodingSheetError(InputError):
    """A coding sheet that cannot be read: names the file, the row and the bad value."""


# --------------------------------------------------------------------------
# Codebook information (works with a tagger Codebook, a name, a list or a dict)


@dataclass(frozen=True)
class CodebookInfo:
    name: str
    version: str
    table: pd.DataFrame  # category, label, definition, include, exclude, examples

    @property
    def categories(self) -> list[str]:
        return self.table["category"].tolist()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    return str(value)


def codebook_info(codebook) -> CodebookInfo:
    """Names and definitions of a codebook given as a loaded ``Codebook``, a
    codebook name or path, a list of category names or a ``{name: definition}`` dict."""
    if isinstance(codebook, CodebookInfo):
        return codebook
    if isinstance(codebook, str | Path):
        from analysis.tagging.codebook import load_codebook  # the tagger's loader

        codebook = load_codebook(codebook)
    if isinstance(codebook, dict):
        table = pd.DataFrame({"category": list(codebook), "label": list(codebook),
                              "definition": [_text(v) for v in codebook.values()]})
        return CodebookInfo("custom", "", _fill_table(table))
    if isinstance(codebook, list | tuple):
        names = [str(c) for c in codebook]
        return CodebookInfo("custom", "", _fill_table(pd.DataFrame({"category": names})))
    names = list(getattr(codebook, "categories", []) or [])
    if not names:
        raise ThreadframeError(f"cannot read categories from {codebook!r}")
    rows = []
    for entry in names:
        # Codebook.categories may hold names or category objects.
        cat = entry if not isinstance(entry, str) else _category_object(codebook, entry)
        name = entry if isinstance(entry, str) else getattr(entry, "name", str(entry))
        rows.append({
            "category": name,
            "label": _text(getattr(cat, "label", None) or name),
            "definition": _text(getattr(cat, "definition", "")),
            "include": _text(getattr(cat, "include", None) or getattr(cat, "inclusion", "")),
            "exclude": _text(getattr(cat, "exclude", None) or getattr(cat, "exclusion", "")),
            "examples": _text(getattr(cat, "examples", "")),
        })
    return CodebookInfo(str(getattr(codebook, "name", "codebook")),
                        str(getattr(codebook, "version", "")), _fill_table(pd.DataFrame(rows)))


def _category_object(codebook, name):
    for attr in ("category", "get"):
        getter = getattr(codebook, attr, None)
        if callable(getter):
            try:
                return getter(name)
            except (KeyError, TypeError):
                pass
    mapping = getattr(codebook, "category_map", None) or getattr(codebook, "definitions", None)
    if isinstance(mapping, dict):
        return mapping.get(name)
    return None


def _fill_table(table: pd.DataFrame) -> pd.DataFrame:
    for col in ("label", "definition", "include", "exclude", "examples"):
        if col not in table.columns:
            table[col] = table["category"] if col == "label" else ""
    return table[["category", "label", "definition", "include", "exclude", "examples"]]


# --------------------------------------------------------------------------
# Sampling


def _units_with_context(units_or_corpus) -> pd.DataFrame:
    """Units with ``outlet`` (from a Corpus's docs) and ``parent_text`` where available."""
    docs = getattr(units_or_corpus, "docs", None)
    units = getattr(units_or_corpus, "units", units_or_corpus)
    if not isinstance(units, pd.DataFrame):
        raise ThreadframeError("expected a Corpus or a units DataFrame")
    missing = {"unit_id", "text"} - set(units.columns)
    if missing:
        raise ThreadframeError(f"units table lacks column(s) {sorted(missing)}")
    out = units.copy()
    if docs is not None and "outlet" not in out.columns and "outlet" in docs.columns:
        out = out.merge(docs[["doc_id", "outlet"]], on="doc_id", how="left")
    if "parent_id" in out.columns and "parent_text" not in out.columns:
        texts = units.set_index("unit_id")["text"]
        out["parent_text"] = out["parent_id"].map(texts)
    return out


def draw_sample(units, n: int, *, stratify: str | None = None, roles=CONTENT_ROLES,
                allocation: str = "proportional", random_state: int = 0) -> pd.DataFrame:
    """A reproducible coding sample of ``n`` units (fewer if fewer are eligible).

    ``units`` is a ``Corpus`` or a units table. Units of the given ``roles``
    with non-empty text are eligible. ``stratify`` names a column (``outlet``,
    ``role``, ``depth`` -- replies deeper than 2 count as ``2``, or any other);
    ``allocation`` is ``proportional`` (largest remainder) or ``equal``.
    The same inputs and ``random_state`` give the same sample whatever the row
    order of the input.
    """
    if n < 1:
        raise ThreadframeError(f"sample size must be at least 1, not {n}")
    table = _units_with_context(units)
    if roles is not None and "role" in table.columns:
        roles = [roles] if isinstance(roles, str) else list(roles)
        table = table[table["role"].isin(roles)]
    table = table[table["text"].fillna("").str.strip() != ""]
    table = table.sort_values("unit_id", kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(random_state)
    if stratify is None:
        pick = rng.permutation(len(table))[: min(n, len(table))]
        return table.iloc[np.sort(pick)].reset_index(drop=True)
    if stratify not in table.columns:
        raise ThreadframeError(
            f"cannot stratify by {stratify!r}: the units have no such column "
            f"(outlet needs a Corpus or an outlet column); columns are {', '.join(table.columns)}")
    key = table[stratify]
    if stratify == "depth":
        key = key.clip(upper=2)
    key = key.astype("str").fillna("(missing)")
    sizes = key.value_counts().sort_index()
    quota = _allocate(sizes, min(n, len(table)), allocation)
    picks = []
    for stratum, size in quota.items():
        members = np.flatnonzero((key == stratum).to_numpy())
        picks.append(members[rng.permutation(len(members))[:size]])
    chosen = np.sort(np.concatenate(picks)) if picks else np.array([], dtype=int)
    return table.iloc[chosen].reset_index(drop=True).assign(stratum=key.iloc[chosen].to_numpy())


def _allocate(sizes: pd.Series, n: int, allocation: str) -> pd.Series:
    if allocation == "equal":
        quota = pd.Series(0, index=sizes.index)
        left = n
        while left > 0:
            open_ = quota[quota < sizes].index
            if not len(open_):
                break
            share = max(1, left // len(open_))
            for s in open_:
                add = min(share, sizes[s] - quota[s], left)
                quota[s] += add
                left -= add
                if left == 0:
                    break
        return quota
    if allocation != "proportional":
        raise ThreadframeError(f"allocation must be 'proportional' or 'equal', not {allocation!r}")
    exact = sizes / sizes.sum() * n
    quota = np.floor(exact).astype(int)
    rest = (exact - quota).sort_values(ascending=False, kind="stable")
    for s in rest.index[: n - quota.sum()]:
        quota[s] += 1
    return quota.clip(upper=sizes)


# --------------------------------------------------------------------------
# Writing sheets


def write_coding_sheet(sample: pd.DataFrame, codebook, path, *, scheme: str = "presence",
                       coder: str = "", overwrite: bool = False) -> Path:
    """Write a coding sheet (``.csv`` or ``.xlsx``) for ``sample`` and return its path.

    Excel files get three tabs: ``units`` (context, text and empty code
    columns), ``codebook`` (each category's definition, inclusion and exclusion
    notes and examples) and ``about``. A CSV sheet gets the codebook beside it
    as ``<name>.codebook.csv``. An existing sheet may hold a coder's work, so
    it is an error unless ``overwrite=True``.
    """
    if scheme not in SCHEMES:
        raise ThreadframeError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    path = Path(path)
    if path.exists() and not overwrite:
        raise CodingSheetError(path, "already exists and may hold a coder's codes, so it was not "
                                     "replaced; delete it, choose another name, or pass "
                                     "overwrite=True")
    info = codebook_info(codebook)
    sheet = sample[[c for c in CONTEXT_COLUMNS if c in sample.columns]].copy()
    sheet.insert(0, "coder", coder)
    code_cols = info.categories if scheme == "presence" else [SINGLE_COLUMN]
    clash = set(code_cols) & set(sheet.columns)
    if clash:
        raise ThreadframeError(f"category name(s) {sorted(clash)} clash with sheet columns")
    for col in code_cols:
        sheet[col] = ""
    sheet["notes"] = ""
    about = pd.DataFrame({"key": ["codebook", "codebook_version", "scheme", "instructions"],
                          "value": [info.name, info.version, scheme, _instructions(scheme)]})
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # Texts that start like a formula get a quote (stripped again on reading).
        # Every field quoted: a carriage return inside a text must not end the row.
        escape_frame(sheet).to_csv(path, index=False, quoting=csv.QUOTE_ALL)
        escape_frame(info.table).to_csv(_companion(path), index=False, quoting=csv.QUOTE_ALL)
        return path
    if suffix in (".xlsx", ".xlsm"):
        _write_excel(path, sheet, info.table, about, len(code_cols))
        return path
    raise ThreadframeError(f"{path}: a coding sheet must end in .csv or .xlsx")


def _instructions(scheme: str) -> str:
    if scheme == "presence":
        return ("Put your name in 'coder'. For each unit and category, write 1 if the category "
                "is present, 0 if it is absent; leave blank what you did not code.")
    return (f"Put your name in 'coder'. In '{SINGLE_COLUMN}', write the one category that fits "
            "best (its name from the codebook tab); leave blank what you did not code.")


def _companion(path: Path) -> Path:
    return path.with_name(path.stem + ".codebook.csv")


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise ThreadframeError(
            "Excel coding sheets need openpyxl: pip install 'threadframe[excel]' "
            "(or use a .csv sheet)") from None
    return openpyxl


def _write_excel(path: Path, sheet, codebook_table, about, n_code_cols: int) -> None:
    write_workbook(_openpyxl(), path, ((SHEET_UNITS, sheet), (SHEET_CODEBOOK, codebook_table),
                                       (SHEET_ABOUT, about)))


# --------------------------------------------------------------------------
# Reading sheets


def _read_table(path: Path) -> tuple[pd.DataFrame, pd.DataFrame | None, dict]:
    """The units sheet, the codebook (or None) and the formula cells of the units sheet."""
    if not path.is_file():
        raise CodingSheetError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise CodingSheetError(path, f"not a readable CSV file ({exc})") from None
        comp = _companion(path)
        book = pd.read_csv(comp, dtype=str, keep_default_na=False) if comp.is_file() else None
        return unescape_frame(sheet), None if book is None else unescape_frame(book), {}
    if suffix in (".xlsx", ".xlsm"):
        _openpyxl()
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
            formulas = formula_cells(path, SHEET_UNITS)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise CodingSheetError(path, f"not a readable Excel file ({exc})") from None
        sheet = sheets.get(SHEET_UNITS, next(iter(sheets.values())))
        return sheet, sheets.get(SHEET_CODEBOOK), formulas
    raise CodingSheetError(path, "a coding sheet must end in .csv or .xlsx")


def read_coding_sheets(paths, codebook=None) -> pd.DataFrame:
    """Read the coded sheets of several coders into one long table
    ``coder, unit_id, category, code`` (blank cells -- not coded -- are left out).

    Codes are checked against the codebook (``codebook`` or, when ``None``,
    the codebook tab / companion file written with the sheet): presence codes
    must be 1/0 (yes/no, true/false, x also work), a ``frame`` code must name a
    category. A bad value raises :class:`CodingSheetError` naming the file, the
    spreadsheet row and the value.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    frames: list[pd.DataFrame] = []
    seen: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        sheet, book, formulas = _read_table(path)
        info = codebook_info(codebook) if codebook is not None else None
        if info is None:
            if book is None or "category" not in book.columns:
                raise CodingSheetError(path, "no codebook tab or companion .codebook.csv; "
                                             "pass codebook=")
            info = codebook_info(book.set_index("category")["definition"].to_dict())
        long = _parse_sheet(path, sheet, info, formulas)
        coder = _coder_name(path, sheet)
        if coder in seen:
            raise CodingSheetError(path, f"coder {coder!r} also coded {seen[coder]}; "
                                         "give each coder's sheet a distinct coder name")
        seen[coder] = path
        frames.append(long)
    if not frames:
        raise ThreadframeError("no coding sheets given")
    out = pd.concat(frames, ignore_index=True)
    return out


def _parse_sheet(path: Path, sheet: pd.DataFrame, info: CodebookInfo,
                 formulas: dict | None = None) -> pd.DataFrame:
    sheet = sheet.rename(columns=lambda c: str(c).strip())
    if "unit_id" not in sheet.columns:
        raise CodingSheetError(path, "has no 'unit_id' column")
    presence = [c for c in info.categories if c in sheet.columns]
    single = SINGLE_COLUMN in sheet.columns
    if not presence and not single:
        raise CodingSheetError(path, f"has no code columns: expected a column per category "
                                     f"({', '.join(info.categories)}) or a '{SINGLE_COLUMN}' column")
    ids = sheet["unit_id"].astype(str).str.strip()
    blank_ids = np.flatnonzero((ids == "").to_numpy())
    if len(blank_ids):
        raise CodingSheetError(path, f"row {blank_ids[0] + 2}: empty unit_id")
    dup = ids[ids.duplicated()]
    if len(dup):
        row = int(dup.index[0]) + 2
        raise CodingSheetError(path, f"row {row}: unit {dup.iloc[0]!r} appears twice")
    refuse_formulas(path, sheet, presence + ([SINGLE_COLUMN] if single else []), formulas or {})
    coder = _coder_name(path, sheet)
    records: list[tuple[str, str, str, object]] = []
    for col in presence:
        for i, raw in enumerate(sheet[col].tolist()):
            value = str(raw).strip().lower() if raw is not None else ""
            if value in ("", "nan"):
                continue
            if value in TRUE_CODES:
                code = 1
            elif value in FALSE_CODES:
                code = 0
            else:
                raise CodingSheetError(path, f"row {i + 2}, column {col!r}: {raw!r} is not a code; "
                                             "write 1 (present), 0 (absent) or leave it blank")
            records.append((coder, ids.iloc[i], col, code))
    if single:
        lookup = {c.lower(): c for c in info.categories}
        lookup.update({str(lab).lower(): c for c, lab in zip(info.table["category"],
                                                            info.table["label"], strict=True)})
        for i, raw in enumerate(sheet[SINGLE_COLUMN].tolist()):
            value = str(raw).strip() if raw is not None else ""
            if value in ("", "nan"):
                continue
            if value.lower() not in lookup:
                raise CodingSheetError(path, f"row {i + 2}, column {SINGLE_COLUMN!r}: {raw!r} is not a "
                                             f"category of the codebook ({', '.join(info.categories)})")
            records.append((coder, ids.iloc[i], SINGLE_COLUMN, lookup[value.lower()]))
    out = pd.DataFrame(records, columns=["coder", "unit_id", "category", "code"])
    out["coder"] = out["coder"].astype("str")
    out["unit_id"] = out["unit_id"].astype("str")
    out["category"] = out["category"].astype("str")
    if presence and not single:
        out["code"] = out["code"].astype("Int64")
    return out


def _coder_name(path: Path, sheet: pd.DataFrame) -> str:
    if "coder" in sheet.columns:
        names = {str(v).strip() for v in sheet["coder"] if str(v).strip() not in ("", "nan")}
        if len(names) > 1:
            raise CodingSheetError(path, f"more than one coder name in the 'coder' column: "
                                         f"{', '.join(sorted(names))}")
        if names:
            return names.pop()
    return path.stem


def refuse_formulas(path: Path, sheet: pd.DataFrame, code_cols: list[str], formulas: dict) -> None:
    """A formula where a code belongs is an error, not a blank or computed code."""
    where = f"sheet {SHEET_UNITS!r}, " if path.suffix.lower() != ".csv" else ""
    for (row, col), formula in sorted(formulas.items()):
        if col in code_cols:
            raise CodingSheetError(path, f"{where}row {row}, column {col!r}: a formula "
                                         f"({formula[:60]!r}) where a code belongs; type the code")
    for col in code_cols:
        for i, raw in enumerate(sheet[col].tolist()):
            if isinstance(raw, str) and raw.strip().startswith("="):
                raise CodingSheetError(path, f"{where}row {i + 2}, column {col!r}: a formula "
                                             f"({raw.strip()[:60]!r}) where a code belongs; type the code")
