"""Code units with a chat model behind an OpenAI-compatible endpoint (docs/llm-coder.md).

Nothing is contacted unless the user names ``base_url`` and ``model``. Every
request and answer is cached on disk (key: sha256 of prompt, model and
parameters), so a re-run costs nothing and returns the same labels. Failures
are retried a bounded number of times, then kept as a failure row per unit.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd

from analysis.models._llm_prompt import (
    LLMCoderError,
    answer_schema,
    build_prompt,
    parse_answer,
    read_template,
    template_hash,
)
from analysis.tagging.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from analysis.tagging.inputs import as_units
from analysis.tagging.tagger import STANCE_COLUMNS, TAG_COLUMNS, TagResult
from threads.schema import CONTENT_ROLES

__all__ = ["LLMCoder", "LLMCoderError"]
FAILURE_COLUMNS = ["unit_id", "doc_id", "error", "attempts"]


class LLMCoder:
    """Label units with a codebook's categories and stance using a chat model.

    ``coder.tag(units)`` returns a :class:`analysis.TagResult` (``tags`` with
    ``source='llm:<model>'``, ``stance``, ``evidence``), with ``failures`` (one
    row per unit that could not be coded) and ``run`` (the run record) set as
    attributes of the coder and of the result.
    """

    def __init__(self, codebook: str | Codebook = DEFAULT_CODEBOOK, *, model: str | None = None,
                 base_url: str | None = None, api_key: str | None = None,
                 cache_dir: str | os.PathLike | None = None, template: str | os.PathLike | None = None,
                 seed: int = 0, temperature: float = 0.0, timeout: float = 60.0, max_retries: int = 3,
                 backoff: float = 1.0, max_tokens: int = 300):
        if not base_url or not model:
            raise LLMCoderError("LLMCoder needs base_url= and model= (e.g. base_url='http://localhost:11434/v1', "
                                "model='llama3.1'): nothing is contacted unless you name the endpoint")
        if max_retries < 0 or timeout <= 0:
            raise LLMCoderError("LLMCoder: max_retries must be >= 0 and timeout > 0")
        self.codebook = load_codebook(codebook)
        self.model, self.base_url = model, base_url.rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.template = read_template(None if template is None else Path(template))
        self.params = {"temperature": temperature, "seed": seed, "max_tokens": max_tokens}
        self.timeout, self.max_retries, self.backoff = timeout, max_retries, backoff
        self.failures = pd.DataFrame(columns=FAILURE_COLUMNS)
        self.run: dict = {}

    # ------------------------------------------------------------------ prompt
    def prompt_for(self, text: str, *, title: str = "", parent: str = "") -> str:
        """The prompt sent for one unit (no request is made)."""
        return build_prompt(self.template, self.codebook, text, title=title, parent=parent)

    def request_body(self, prompt: str) -> dict:
        return {"model": self.model, "messages": [{"role": "user", "content": prompt}], **self.params,
                "response_format": {"type": "json_schema", "json_schema": {
                    "name": "coding", "strict": True, "schema": answer_schema(self.codebook)}}}

    def _key(self, body: dict) -> str:
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()

    # ------------------------------------------------------------------ HTTP
    def _post(self, body: dict) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(f"{self.base_url}/chat/completions", method="POST", headers=headers,
                                     data=json.dumps(body).encode("utf-8"))
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - user-named URL
            return json.loads(resp.read().decode("utf-8"))

    def _ask(self, body: dict, text: str, stats: dict) -> tuple[dict | None, str, int]:
        """(answer, error, attempts): cached answers first, else up to 1 + max_retries requests."""
        key = self._key(body)
        path = self.cache_dir / f"{key}.json" if self.cache_dir is not None else None
        if path is not None and path.exists():
            cached = json.loads(path.read_text(encoding="utf-8"))
            answer, why = parse_answer(cached["content"], self.codebook, text)
            if answer is not None:
                stats["cached"] += 1
                return answer, "", 0
        error = ""
        for attempt in range(1, self.max_retries + 2):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                response = self._post(body)
                content = response["choices"][0]["message"]["content"]
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code} {exc.reason}"
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                if exc.code == 429 and retry_after:
                    with contextlib.suppress(ValueError):  # a date form of Retry-After: keep the backoff
                        wait = max(0.0, float(retry_after))
            except (TimeoutError, urllib.error.URLError, OSError) as exc:
                error = f"request failed: {getattr(exc, 'reason', exc)}"
            except (ValueError, KeyError, IndexError, TypeError):
                error = "malformed chat-completion response"
            else:
                usage = response.get("usage") or {}
                stats["prompt_tokens"] += int(usage.get("prompt_tokens") or 0)
                stats["completion_tokens"] += int(usage.get("completion_tokens") or 0)
                stats["requests"] += 1
                answer, error = parse_answer(content, self.codebook, text)
                if answer is not None:
                    if path is not None:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_text(json.dumps({"request": body, "content": content, "response": response},
                                                   ensure_ascii=False), encoding="utf-8")
                    return answer, "", attempt
            if attempt <= self.max_retries:
                time.sleep(wait)
        return None, error, self.max_retries + 1

    # ------------------------------------------------------------------ tagging
    def tag(self, data, *, roles=CONTENT_ROLES) -> TagResult:
        """Code every unit; failed units appear in ``failures``, never as silent blanks."""
        units = as_units(data, roles)
        if roles is not None and "role" in units.columns:
            units = units[units["role"].isin(list(roles))].reset_index(drop=True)
        cb, source = self.codebook, f"llm:{self.model}"
        texts = dict(zip(units["unit_id"], units["text"], strict=True))
        titles = ({} if "role" not in units.columns else
                  dict(units[units["role"] == "title"].groupby("doc_id")["text"].first()))
        stats = {"requests": 0, "cached": 0, "prompt_tokens": 0, "completion_tokens": 0}
        tags, stance, evidence, failures = [], [], [], []
        for row in units.itertuples(index=False):
            uid, doc, text = str(row.unit_id), str(row.doc_id), str(row.text)
            role = getattr(row, "role", None)
            parent = getattr(row, "parent_id", None)
            title = titles.get(doc, "") if role == "comment" else ""
            parent_text = texts.get(str(parent), "") if isinstance(parent, str) and role == "comment" else ""
            body = self.request_body(self.prompt_for(text, title=title, parent=parent_text))
            answer, error, attempts = self._ask(body, text, stats)
            if answer is None:
                failures.append((uid, doc, error, attempts))
                continue
            for c in cb.categories:
                hit = c in answer["categories"]
                tags.append((uid, doc, c, float(hit), hit, 0, source))
                if hit:
                    start = text.find(answer["evidence"])
                    evidence.append((uid, doc, c, "llm", start, start + len(answer["evidence"]),
                                     answer["evidence"], 1.0))
            s = answer["stance"]
            stance.append((uid, doc, s, {"critical": -1.0, "supportive": 1.0}.get(s, 0.0),
                           float(s == "critical"), float(s == "supportive")))
        self.failures = pd.DataFrame(failures, columns=FAILURE_COLUMNS)
        self.run = {"model": self.model, "endpoint": self.base_url, "template_sha256": template_hash(self.template),
                    "codebook": cb.name, "codebook_version": cb.version, "codebook_id": cb.id,
                    "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                    **self.params, "n_units": len(units), "n_failures": len(failures), **stats}
        if self.cache_dir is not None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            (self.cache_dir / "run.json").write_text(json.dumps(self.run, indent=2), encoding="utf-8")
            self.failures.to_csv(self.cache_dir / "failures.csv", index=False)
        result = TagResult(
            tags=_frame(tags, TAG_COLUMNS, {"score": "float", "present": "bool", "n_cues": "int64"}),
            evidence=_frame(evidence, ["unit_id", "doc_id", "category", "cue", "start", "end", "matched", "weight"],
                            {"start": "int64", "end": "int64", "weight": "float"}),
            stance=_frame(stance, STANCE_COLUMNS, {"score": "float", "critical": "float", "supportive": "float"}),
            codebook=cb, units=units)
        object.__setattr__(result, "failures", self.failures)
        object.__setattr__(result, "run", self.run)
        return result


def _frame(rows: list, columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    for col in columns:
        out[col] = out[col].astype(dtypes.get(col, "str"))  # type: ignore[call-overload]
    return out
