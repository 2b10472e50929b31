"""Is loopback usable? The notebook kernel and JupyterLab talk over 127.0.0.1.

In a fresh network namespace (``unshare -n``) the ``lo`` interface starts
down: binding to 127.0.0.1 works, but nothing can connect. Tests that need a
local socket skip with this reason instead of failing deep inside nbclient.
``make test`` runs the suite in such a namespace with loopback brought up, so
"passes without a network" is checked on every run.
"""

from __future__ import annotations

import functools
import socket


@functools.lru_cache(maxsize=1)
def loopback_problem() -> str | None:
    """None when a TCP connection to 127.0.0.1 succeeds, else why it does not."""
    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=2):
                pass
    except OSError as exc:
        return (f"loopback (127.0.0.1) is not usable here ({exc}); the Jupyter kernel needs it. "
                "In a new network namespace run `ip link set lo up` first (make test does)")
    return None
