"""Put a value of the wrong type at every place of a JSON fixture; collect raw tracebacks (there must be none)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from threads.errors import ThreadframeError

WRONG = (5, [1], {"a": 1}, None)


def json_paths(obj: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every place in ``obj`` (the first item of each array)."""
    yield path
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from json_paths(value, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj[:1]):
            yield from json_paths(value, (*path, i))


def replaced(obj: Any, path: tuple, value: Any) -> Any:
    out = json.loads(json.dumps(obj))
    here = out
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value
    return out


def wrong_type_failures(fixture: Path, parse: Callable) -> list[str]:
    """Parse the fixture with each place replaced; errors must be ThreadframeErrors naming the file."""
    data = json.loads(fixture.read_text(encoding="utf-8"))
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in list(json_paths(data))[1:]:
            for value in WRONG:
                try:
                    parse(json.dumps(replaced(data, path, value)), Path(fixture.name), "d")
                except ThreadframeError as exc:
                    if not str(exc).startswith(f"{fixture.name}: "):
                        failures.append(f"{'/'.join(map(str, path))} = {value!r}: message {exc}")
                except Exception as exc:  # noqa: BLE001 - the point: collect every raw traceback
                    failures.append(f"{'/'.join(map(str, path))} = {value!r}: {type(exc).__name__}: {exc}")
    return failures
