"""Reading and writing the data tables the validation commands take (not a command)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from threads.errors import InputError

SUFFIXES = (".csv", ".tsv", ".parquet", ".jsonl", ".xlsx")


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV / TSV / Parquet / JSONL / Excel file, or a corpus directory (its
    title, body and comment units)."""
    path = Path(path)
    if path.is_dir():
        import threads

        return threads.read_corpus(path).select()
    if not path.is_file():
        raise InputError(path, "no such file or corpus directory")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path)
        if suffix == ".tsv":
            return pd.read_csv(path, sep="\t")
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix == ".jsonl":
            return pd.read_json(path, lines=True)
        if suffix == ".xlsx":
            return pd.read_excel(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(path, f"cannot read the table ({exc})") from None
    raise InputError(path, f"unknown table format {suffix!r}; use one of {', '.join(SUFFIXES)}")


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".parquet":
        table.to_parquet(path, index=False)
    elif suffix == ".jsonl":
        table.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        raise InputError(path, "write predictions to a .csv, .parquet or .jsonl file")
    return path


def column(table: pd.DataFrame, name: str, path, what: str) -> pd.Series:
    if name not in table.columns:
        raise InputError(path, f"no {what} column {name!r}; columns are "
                               f"{', '.join(map(str, table.columns))}")
    return table[name]
