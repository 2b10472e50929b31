"""The LLM coder against a real chat-completions server on 127.0.0.1 (no network)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from loopback import loopback_problem

from analysis import LLMCoder, LLMCoderError

TEXT = "The police say the new cameras keep the city safe."


class _Server:
    """Answers POST /v1/chat/completions from a queue of (status, body, headers, delay)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                status, payload, headers, delay = outer.replies.pop(0) if outer.replies else (
                    200, outer.answer(["security"], "neutral", "keep the city safe"), {}, 0)
                time.sleep(delay)
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def answer(categories, stance, evidence):
        content = json.dumps({"categories": categories, "stance": stance, "evidence": evidence})
        return {"choices": [{"message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 10}}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    if (problem := loopback_problem()) is not None:
        pytest.skip(problem)
    s = _Server()
    yield s
    s.close()


def _units(*texts):
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(texts))], "doc_id": "d",
                         "role": "comment", "text": list(texts)})


def _coder(server, tmp_path, **kw):
    kw = {"max_retries": 2, "backoff": 0.01, "timeout": 2.0, **kw}
    return LLMCoder("surveillance", model="test-model", base_url=server.url, api_key="k",
                    cache_dir=tmp_path / "cache", **kw)


def test_without_an_endpoint_nothing_is_contacted():
    with pytest.raises(LLMCoderError, match="needs base_url= and model="):
        LLMCoder("surveillance")


def test_a_good_answer_becomes_tags_with_evidence_and_the_request_is_reproducible(server, tmp_path):
    result = _coder(server, tmp_path).tag(_units(TEXT))
    tags = result.tags.set_index("category")
    assert bool(tags.loc["security", "present"]) and not bool(tags.loc["rights", "present"])
    assert set(result.tags["source"]) == {"llm:test-model"}
    ev = result.evidence.iloc[0]
    assert TEXT[ev["start"]:ev["end"]] == "keep the city safe"
    assert result.stance["stance"].tolist() == ["neutral"]
    req = server.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k"
    body = req["body"]
    assert body["model"] == "test-model" and body["temperature"] == 0 and body["seed"] == 0
    assert body["response_format"]["type"] == "json_schema"
    prompt = body["messages"][0]["content"]
    assert TEXT in prompt and "security" in prompt
    assert result.run["requests"] == 1 and result.run["prompt_tokens"] == 100
    assert result.run["model"] == "test-model" and len(result.run["template_sha256"]) == 64


def test_a_second_run_is_served_from_the_cache(server, tmp_path):
    first = _coder(server, tmp_path).tag(_units(TEXT, "Cameras keep the city safe, they say."))
    n = len(server.requests)
    again = _coder(server, tmp_path).tag(_units(TEXT, "Cameras keep the city safe, they say."))
    assert len(server.requests) == n  # no request at all
    assert again.run["cached"] == 2 and again.run["requests"] == 0
    pd.testing.assert_frame_equal(first.tags, again.tags)
    assert json.loads((tmp_path / "cache" / "run.json").read_text())["cached"] == 2


def test_rate_limit_with_retry_after_then_success(server, tmp_path):
    server.replies = [(429, {"error": "slow down"}, {"Retry-After": "0"}, 0)]
    result = _coder(server, tmp_path).tag(_units(TEXT))
    assert len(server.requests) == 2 and result.failures.empty
    assert bool(result.tags.set_index("category").loc["security", "present"])


@pytest.mark.parametrize(("reply", "error"), [
    ((500, {"error": "boom"}, {}, 0), "HTTP 500"),
    ((200, "not json at all", {}, 0), "malformed chat-completion response"),
    ((200, _Server.answer(["security"], "neutral", "words that are not in the text"), {}, 0),
     "the evidence span does not occur"),
    ((200, _Server.answer(["no-such-frame"], "neutral", "safe"), {}, 0), ""),
])
def test_failures_are_rows_after_bounded_retries(server, tmp_path, reply, error):
    server.replies = [reply] * 3
    result = _coder(server, tmp_path).tag(_units(TEXT, "They keep the city safe."))
    fails = result.failures.set_index("unit_id")
    assert list(fails.index) == ["u0"]  # the second unit was coded; the run did not stop
    assert fails.loc["u0", "attempts"] == 3 and error in fails.loc["u0", "error"]
    assert set(result.tags["unit_id"]) == {"u1"}
    assert (tmp_path / "cache" / "failures.csv").exists()


def test_a_slow_answer_beyond_the_timeout_is_a_failure_row(server, tmp_path):
    server.replies = [(200, _Server.answer([], "neutral", ""), {}, 1.5)] * 2
    result = _coder(server, tmp_path, timeout=0.3, max_retries=1).tag(_units(TEXT))
    assert result.failures["error"].str.contains("request failed|timed out").all()
    assert result.tags.empty
