"""The ``threadframe`` command. Each subcommand lives in its own module here
and is listed in ``COMMANDS``; a module defines ``add_parser(subparsers)``
that registers its parser and sets ``func(args) -> int``."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

COMMANDS = ("parse", "tag", "report", "demo", "train", "predict", "evaluate", "sample", "reliability")
COMMANDS += ("export",)  # type: ignore[assignment]  # threadframe export (analysis/cli/export.py, issue 17)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="threadframe",
        description="Frame and stance analysis of news articles and their reader comments.",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"threadframe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").add_parser(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"threadframe: warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from threads.errors import ThreadframeError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    warnings.showwarning = _show_warning
    try:
        return int(args.func(args) or 0)
    except ThreadframeError as exc:
        print(f"threadframe: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("threadframe: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
