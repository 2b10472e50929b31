"""Exported times to UTC timestamps: one rule for every parser.

Platform exports give times as epoch seconds (Reddit ``created_utc``, HN
``created_at_i``), as ISO 8601 strings (Discourse, Lemmy, Disqus, WXR) or as a
table column of either. A value is read like this:

- missing (``None``, NaN, an empty string): no time, and no problem;
- a number, or a string that is one: seconds since 1970 (``unit="ms"``:
  milliseconds);
- any other string: parsed as a date and time (ISO 8601 and the other forms
  pandas reads); without a zone it is UTC;
- a ``datetime`` or ``Timestamp``: taken as it is (naive means UTC).

A time is plausible from 1970-01-02 00:00 UTC to one day after now. Outside
that range (``0``, negative epochs, ``1e300``, milliseconds read as seconds,
the year 99999) or unreadable, the value becomes NaT and a reason is given:
the parsers record it as the problem ``bad_date`` and flag the unit
``bad_date`` (docs/parsing-text.md, "Bad input"). Epoch 0 and the first day
after it are left out on purpose: exports write 0 for "unknown".
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pandas as pd

from .tree import add_flag

#: Problem and flag name for a time that was unreadable or implausible.
PROBLEM = "bad_date"
#: The earliest plausible time (epoch 0 and its first day are "unknown" placeholders).
EARLIEST = pd.Timestamp("1970-01-02", tz="UTC")
#: How far past now a time may lie (clock skew between servers).
FUTURE_SLACK = pd.Timedelta(days=1)
RULE = "outside 1970-01-02 to one day from now"

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UTC_US = pd.DatetimeTZDtype("us", "UTC")


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_times(values: Iterable, *, unit: str = "s") -> tuple[pd.Series, list[str | None]]:
    """Times as a UTC Series (microseconds) and, per value, why it was left empty (None when fine or missing)."""
    vals = list(values)
    n = len(vals)
    out = np.full(n, np.datetime64("NaT", "us"))
    reasons: list[str | None] = [None] * n
    earliest = EARLIEST.as_unit("us")
    latest = (pd.Timestamp.now(tz="UTC") + FUTURE_SLACK).as_unit("us")
    lo, hi = earliest.timestamp(), latest.timestamp()  # epoch seconds
    scale = 1e-3 if unit == "ms" else 1.0
    strings: list[int] = []
    numbers: list[int] = []
    seconds: list[float] = []

    def implausible(i: int) -> None:
        reasons[i] = f"{_show(vals[i])} is not a plausible time ({RULE}); left empty"

    for i, v in enumerate(vals):
        if v is None or v is pd.NA or v is pd.NaT:
            continue
        if isinstance(v, str):
            s = v.strip()
            if not s:
                continue
            if not _NUMBER.fullmatch(s):
                strings.append(i)
                continue
            v = float(s)
        if isinstance(v, (bool, np.bool_)):
            reasons[i] = f"{_show(v)} is not a time"
        elif isinstance(v, (int, float, np.integer, np.floating)):
            if v == v:  # NaN is missing
                numbers.append(i)
                try:
                    seconds.append(float(v) * scale)
                except OverflowError:  # an integer too big for a float (10**400)
                    seconds.append(float("inf"))
        elif isinstance(v, (datetime, np.datetime64)):
            try:
                ts = pd.Timestamp(v)
                ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
            except (ValueError, OverflowError):
                implausible(i)
                continue
            if earliest <= ts <= latest:
                out[i] = ts.as_unit("us").tz_localize(None).to_datetime64()
            else:
                implausible(i)
        else:
            reasons[i] = f"{_show(v)} is not a time"
    if numbers:  # vectorised: a Reddit thread has one epoch per comment
        idx, secs = np.array(numbers), np.array(seconds)
        ok = (secs >= lo) & (secs <= hi)  # False for inf
        out[idx[ok]] = np.round(secs[ok] * 1e6).astype("int64").view("datetime64[us]")
        for i in idx[~ok]:
            implausible(int(i))
    if strings:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "could not infer format": each value is parsed on its own
            parsed = pd.to_datetime(pd.Series([vals[i] for i in strings], dtype=object), utc=True,
                                    errors="coerce", format="mixed")
        idx = np.array(strings)
        unread = parsed.isna().to_numpy()
        ok = ~unread & ((parsed >= earliest) & (parsed <= latest)).to_numpy()
        out[idx[ok]] = parsed[ok].dt.tz_localize(None).dt.as_unit("us").to_numpy()
        for i in idx[unread]:
            reasons[int(i)] = f"cannot read {_show(vals[int(i)])} as a time; left empty"
        for i in idx[~unread & ~ok]:
            implausible(int(i))
    return pd.Series(out).dt.tz_localize("UTC"), reasons


def parse_time(value, *, unit: str = "s") -> tuple[pd.Timestamp | None, str | None]:
    """One exported time: ``(timestamp, None)``, ``(None, None)`` when missing, ``(None, why)`` when bad."""
    times, reasons = parse_times([value], unit=unit)
    when = times.iloc[0]
    return (None if pd.isna(when) else when), reasons[0]


def flag_bad_times(flags: Iterable, reasons: list[str | None]) -> list:
    """``flags`` with ``bad_date`` added where ``reasons`` has one."""
    return [add_flag(f if isinstance(f, str) else "", PROBLEM) if why else f
            for f, why in zip(flags, reasons, strict=True)]


def plausible_epochs(seconds: pd.Series) -> int:
    """How many of ``seconds`` (epoch seconds, NaN for none) are plausible times."""
    latest = pd.Timestamp.now(tz="UTC") + FUTURE_SLACK
    return int(seconds.between(EARLIEST.timestamp(), latest.timestamp()).sum())


def parse_time_column(values) -> tuple[pd.Series, list[str | None]]:
    """A table's time column: :func:`parse_times`, reading epochs as milliseconds
    when more of the column is plausible that way (exporters write either)."""
    values = pd.Series(values)
    numeric = pd.to_numeric(values, errors="coerce")
    unit = "ms" if plausible_epochs(numeric / 1000) > plausible_epochs(numeric) else "s"
    times, reasons = parse_times(values.tolist(), unit=unit)
    return times.set_axis(values.index), reasons


def bad_time_rows(units: pd.DataFrame, problems: pd.DataFrame, reasons: list[str | None],
                  source) -> tuple[list, pd.DataFrame]:
    """Flags of ``units`` with ``bad_date`` added, and ``problems`` with a row per bad time (rows in order)."""
    rows = [{"source_path": str(source), "doc_id": d, "unit_id": u, "problem": PROBLEM, "detail": f"published: {why}"}
            for d, u, why in zip(units["doc_id"], units["unit_id"], reasons, strict=True) if why]
    return flag_bad_times(units["flags"], reasons), pd.concat([problems, pd.DataFrame(rows)], ignore_index=True)


__all__ = ["EARLIEST", "FUTURE_SLACK", "PROBLEM", "bad_time_rows", "flag_bad_times", "parse_time", "parse_time_column",
           "parse_times",
           "plausible_epochs"]
