"""The suite runs without a network: checked when scripts/offline.sh set it up."""

from __future__ import annotations

import os
import socket

import pytest
from loopback import loopback_problem


@pytest.mark.skipif(os.environ.get("THREADFRAME_OFFLINE") != "1",
                    reason="not run through scripts/offline.sh (make test), so there is a network")
def test_no_route_out_but_loopback_works():
    # 192.0.2.1 is TEST-NET-1: never routed; with no interface but lo there is no route at all.
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(2)
        s.connect(("192.0.2.1", 80))
    assert loopback_problem() is None


def test_loopback_problem_names_the_fix(monkeypatch):
    loopback_problem.cache_clear()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(socket, "create_connection", refuse)
    try:
        problem = loopback_problem()
    finally:
        loopback_problem.cache_clear()
    assert problem is not None and "ip link set lo up" in problem
