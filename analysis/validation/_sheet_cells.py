"""Spreadsheet cells that stay text: no unit text becomes a live formula.

A unit's text may start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, which Excel, LibreOffice and Google Sheets read as a formula (CSV or
formula injection, see the OWASP guidance). Coding sheets therefore

* in CSV, prefix such a text with a single quote (``'=1+2``); a text that
  already starts with a quote gets one more, so reading strips exactly the
  added quote and every text comes back unchanged;
* in Excel, write every text cell as a string cell marked ``quotePrefix``
  (shown and kept as text even when a coder edits it), never as a formula.

Reading an Excel sheet back, a formula cell in a code column is an error
naming the sheet, the row and the column, not a silently blank or computed code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Leading characters a spreadsheet program reads as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_text(value):
    """``value`` with a quote before a formula prefix (or before a leading quote)."""
    if isinstance(value, str) and value.startswith((*FORMULA_PREFIXES, QUOTE)):
        return QUOTE + value
    return value


def unescape_text(value):
    """Undo :func:`escape_text`: strip exactly the quote it added."""
    if (isinstance(value, str) and value.startswith(QUOTE)
            and value[1:].startswith((*FORMULA_PREFIXES, QUOTE))):
        return value[1:]
    return value


def escape_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with every text cell and column name escaped (for CSV)."""
    out = table.apply(lambda col: col.map(escape_text) if col.dtype == object
                      or pd.api.types.is_string_dtype(col) else col)
    return out.rename(columns=escape_text)


def unescape_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` read from CSV with the added quotes stripped."""
    out = table.apply(lambda col: col.map(unescape_text) if col.dtype == object
                      or pd.api.types.is_string_dtype(col) else col)
    return out.rename(columns=unescape_text)


def write_text_cell(cell) -> None:
    """Make a just-written openpyxl cell holding text a plain string cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True


def formula_cells(path: Path, sheet_name: str) -> dict[tuple[int, str], str]:
    """``{(row, column header): formula}`` for every formula cell of a sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        if sheet_name not in wb.sheetnames:
            sheet_name = wb.sheetnames[0]
        rows = wb[sheet_name].iter_rows()
        header = [str(c.value).strip() if c.value is not None else "" for c in next(rows, ())]
        found = {}
        for row in rows:
            for i, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f" and i < len(header):
                    found[(cell.row, header[i])] = str(cell.value)
        return found
    finally:
        wb.close()


def write_workbook(openpyxl, path: Path, tables) -> None:
    """An Excel workbook of ``(title, table)`` tabs; every text cell a string cell."""
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    for n, (title, table) in enumerate(tables):
        ws = wb.active if n == 0 else wb.create_sheet(title)
        ws.title = title
        ws.append(list(table.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            write_text_cell(cell)
        for row in table.itertuples(index=False):
            ws.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
            for cell in ws[ws.max_row]:
                write_text_cell(cell)  # text stays text, never a live formula
        for i, col in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(i)
            wide = col in ("text", "parent_text", "definition", "include", "exclude", "examples", "value")
            ws.column_dimensions[letter].width = 60 if wide else 14
            if wide:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "B2"
    wb.save(path)
