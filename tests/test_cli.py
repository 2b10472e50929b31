"""The threadframe command: help, version, and errors printed without tracebacks."""

import contextlib
import subprocess
import sys

import analysis
from analysis.cli import COMMANDS, main


def test_every_command_has_help(capsys):
    for name in COMMANDS:
        try:
            main([name, "--help"])
        except SystemExit as exc:
            assert exc.code == 0
        assert "usage: threadframe" in capsys.readouterr().out


def test_version(capsys):
    with contextlib.suppress(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"threadframe {analysis.__version__}"


def test_user_error_is_one_line_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis.cli", "parse", str(tmp_path / "nope.txt"),
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"threadframe: error: {tmp_path / 'nope.txt'}: no such file or directory"
    assert "Traceback" not in proc.stderr


def test_import_analysis_is_cheap():
    code = "import sys, analysis; print(any(m.startswith(('sklearn','matplotlib')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
