"""The files of a saved corpus: one table per file in Parquet, CSV or JSONL (see Corpus.save)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import SchemaError
from .schema import SCHEMA_VERSION

SAVE_FORMATS = ("parquet", "csv", "jsonl")


def write_table(table: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.Table.from_pandas(table, preserve_index=False)
        meta = dict(arrow.schema.metadata or {})
        meta[b"threadframe_schema"] = SCHEMA_VERSION.encode()
        pq.write_table(arrow.replace_schema_metadata(meta), path)
    elif fmt == "csv":
        table.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    else:
        table.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)


def read_table(path: Path, fmt: str) -> tuple[pd.DataFrame, str | None]:
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            arrow = pq.read_table(path)
            meta = arrow.schema.metadata or {}
            version = meta.get(b"threadframe_schema")
            return arrow.to_pandas(), version.decode() if version else None
        if fmt == "csv":
            return pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""]), None
        return pd.read_json(path, orient="records", lines=True, dtype=False), None
    except Exception as exc:  # pyarrow/pandas raise many types; name the file instead
        raise SchemaError(f"{path}: cannot be read as {fmt} ({type(exc).__name__}: {exc})") from None
