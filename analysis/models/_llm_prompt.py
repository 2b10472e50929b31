"""The LLM coder's prompt and answer schema, built from a codebook (see docs/llm-coder.md).

The template is ``analysis/prompts/llm_coder.txt``: a plain file users can read
and copy; pass ``template=`` (a path) to :class:`analysis.LLMCoder` to use an
edited one. Fields in braces are filled by :func:`build_prompt`.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from analysis.tagging.codebook import Codebook
from threads.errors import ThreadframeError

STANCES = ("critical", "supportive", "neutral")


class LLMCoderError(ThreadframeError):
    """A coder that cannot run: no endpoint named, a bad template, bad parameters."""


def default_template() -> str:
    return resources.files("analysis").joinpath("prompts/llm_coder.txt").read_text(encoding="utf-8")


def read_template(path: str | Path | None) -> str:
    if path is None:
        return default_template()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LLMCoderError(f"{path}: cannot read the prompt template ({exc.strerror or exc})") from None
    if "{text}" not in text:
        raise LLMCoderError(f"{path}: the prompt template has no {{text}} field for the unit's text")
    return text


def template_hash(template: str) -> str:
    return hashlib.sha256(template.encode("utf-8")).hexdigest()


def describe_categories(cb: Codebook) -> str:
    """Each category's definition, include and exclude notes and examples, as prompt text."""
    blocks = []
    for c in cb.specs:
        lines = [f"- {c.name} ({c.label}): {c.definition.strip()}"]
        if c.include.strip():
            lines.append(f"  Include: {c.include.strip()}")
        if c.exclude.strip():
            lines.append(f"  Exclude: {c.exclude.strip()}")
        for ex in c.examples:
            lines.append(f"  Example: {ex.strip()}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def build_prompt(template: str, cb: Codebook, text: str, *, title: str = "", parent: str = "") -> str:
    context = ""
    if title:
        context += f"\nThe unit belongs to the article titled: {title}\n"
    if parent:
        context += f'\nIt replies to this comment:\n"""\n{parent}\n"""\n'
    fields = {"codebook_name": cb.name, "codebook_version": cb.version,
              "codebook_description": cb.description.strip(), "categories": describe_categories(cb),
              "stance_target": cb.stance.target if cb.stance else "the topic",
              "context": context, "text": text}
    try:
        return template.format_map(fields)
    except (KeyError, ValueError, IndexError) as exc:
        raise LLMCoderError(f"prompt template: cannot fill it ({type(exc).__name__}: {exc}); "
                            f"known fields: {', '.join(fields)}; write literal braces as {{{{ }}}}") from None


def answer_schema(cb: Codebook) -> dict:
    """The JSON schema the answer must match (sent as ``response_format``)."""
    return {"type": "object", "additionalProperties": False,
            "required": ["categories", "stance", "evidence"],
            "properties": {
                "categories": {"type": "array", "items": {"type": "string", "enum": list(cb.categories)}},
                "stance": {"type": "string", "enum": list(STANCES)},
                "evidence": {"type": "string"}}}


def parse_answer(content: str, cb: Codebook, text: str) -> tuple[dict | None, str]:
    """(answer, "") when ``content`` matches the schema and its evidence occurs in ``text``,
    else (None, why not)."""
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, TypeError):
        return None, "malformed JSON in the answer"
    if not isinstance(data, dict):
        return None, "the answer is not a JSON object"
    cats, stance, evidence = data.get("categories"), data.get("stance"), data.get("evidence")
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        return None, "'categories' is not a list of names"
    unknown = [c for c in cats if c not in cb.categories]
    if unknown:
        return None, f"unknown categories {unknown}"
    if stance not in STANCES:
        return None, f"'stance' is {stance!r}, not one of {', '.join(STANCES)}"
    if not isinstance(evidence, str):
        return None, "'evidence' is not a string"
    if evidence.strip() and evidence.strip() not in text:
        return None, "the evidence span does not occur in the unit's text"
    if cats and not evidence.strip():
        return None, "categories present but no evidence span"
    return {"categories": list(dict.fromkeys(cats)), "stance": stance, "evidence": evidence.strip()}, ""
