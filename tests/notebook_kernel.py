"""A Jupyter kernel for tests: this interpreter's ipykernel, offline, in a tmp dir.

Used by tests/test_notebooks.py (nbclient) and tests/test_browser.py
(JupyterLab). The kernelspec is written to a temporary Jupyter data folder
that is put first on ``JUPYTER_PATH``, so the kernel always runs the Python
that runs the tests (the project's ``.venv`` under ``make test``), never a
``python3`` kernel someone installed by hand in ``~/.local/share/jupyter``.

The kernel runs a small start-up file that refuses network connections other
than to this machine, so a notebook that quietly downloads something fails.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_DATA = NOTEBOOKS / "data"

#: The notebooks' own kernelspec name: we shadow it rather than rewrite notebooks.
KERNEL_NAME = "python3"

OFFLINE_GUARD = '''\
def _threadframe_offline_guard():
    """Refuse connections to anything but this machine (notebooks run offline)."""
    import ipaddress
    import socket

    def _local(address):
        if not isinstance(address, tuple):  # AF_UNIX path
            return True
        host = str(address[0])
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False

    def _refuse(address):
        raise OSError(f"notebooks must run offline: connection to {address!r} refused")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if not _local(address):
            _refuse(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if not _local(address):
            _refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _local((name,)):
            _refuse(host)
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo


_threadframe_offline_guard()
del _threadframe_offline_guard
'''


def write_kernelspec(jupyter_dir: Path) -> Path:
    """Write the test kernelspec under ``jupyter_dir/kernels``; return its folder."""
    spec_dir = jupyter_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    guard = spec_dir / "offline_guard.py"
    guard.write_text(OFFLINE_GUARD, encoding="utf-8")
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 f"--IPKernelApp.exec_files={json.dumps([str(guard)])}"],
        "display_name": "Python 3 (threadframe test kernel)",
        "language": "python",
        # Inline figures even where the test process set MPLBACKEND=Agg.
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return spec_dir


def jupyter_env(base: Path) -> dict[str, str]:
    """Environment variables that isolate Jupyter in ``base`` (kernelspec, runtime, config)."""
    data = base / "jupyter-data"
    write_kernelspec(data)
    env = {
        "JUPYTER_PATH": str(data),
        "JUPYTER_RUNTIME_DIR": str(base / "jupyter-runtime"),
        "JUPYTER_CONFIG_DIR": str(base / "jupyter-config"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(base / "ipython"),
    }
    for key in ("JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


def stage_notebook(notebook: Path, workdir: Path) -> Path:
    """Copy a notebook and the bundled ``notebooks/data`` into ``workdir``, as a user has them."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / notebook.name
    shutil.copyfile(notebook, target)
    if NOTEBOOK_DATA.is_dir():
        shutil.copytree(NOTEBOOK_DATA, workdir / "data", dirs_exist_ok=True)
    return target
