"""Jupyter views of tags: highlighted units and explanations (plain text too).

Rendering only: the tagger builds these objects (:meth:`analysis.TagResult.show`,
:func:`analysis.explain`); nothing here scores a text."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from analysis.tagging.codebook import Codebook

# Okabe-Ito, colour-blind safe; light tints for highlight backgrounds.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#999999", "#8DD3C7", "#BEBADA", "#FB8072", "#80B1D3", "#FDB462", "#B3DE69", "#FCCDE5")


def category_colours(codebook: Codebook) -> dict[str, str]:
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(codebook.categories)}


@dataclass(frozen=True)
class Highlighted:
    """A text with evidence spans, rendered with one colour per category."""

    unit_id: str
    text: str
    evidence: pd.DataFrame
    codebook: Codebook
    present: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [f"{self.unit_id}: {self.text}", "tags: " + (", ".join(self.present) or "(none)")]
        for r in self.evidence.itertuples(index=False):
            lines.append(f"  [{r.start}:{r.end}] {r.category}: {r.matched!r} (cue {r.cue}, weight {r.weight:g})")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colours = category_colours(self.codebook)
        # paint each character with the categories covering it, then group runs
        cover: list[list[str]] = [[] for _ in self.text]
        spans = zip(self.evidence["start"].astype(int), self.evidence["end"].astype(int),
                    self.evidence["category"].astype(str), strict=True)
        for start, end, category in spans:
            for i in range(start, min(end, len(self.text))):
                if category not in cover[i]:
                    cover[i].append(category)
        out, i = [], 0
        while i < len(self.text):
            j = i
            while j < len(self.text) and cover[j] == cover[i]:
                j += 1
            chunk = html.escape(self.text[i:j]).replace("\n", "<br>")
            if cover[i]:
                cats = cover[i]
                style = f"background:{colours[cats[0]]}55;border-bottom:3px solid {colours[cats[-1]]}"
                out.append(f'<mark style="{style}" title="{html.escape(", ".join(cats))}">{chunk}</mark>')
            else:
                out.append(chunk)
            i = j
        legend = " ".join(
            f'<span style="background:{colours[c]}55;padding:0 4px">{html.escape(c)}'
            f'{" &#10003;" if c in self.present else ""}</span>' for c in self.codebook.categories)
        return (f'<div><div style="font-size:smaller">{html.escape(self.unit_id)} &middot; {legend}</div>'
                f'<div style="line-height:1.6">{"".join(out)}</div></div>')


def result_html(result) -> str:
    head = f"<p><b>{html.escape(repr(result)[1:-1])}</b></p>"
    return head + result.summary().to_html(index=False)


# ---------------------------------------------------------------------- explain
@dataclass(frozen=True)
class Explanation:
    """Why a text got (or did not get) a category."""

    category: str
    present: bool
    score: float
    threshold: float
    matches: pd.DataFrame    # cue, start, end, matched, weight
    excluded: pd.DataFrame   # cue, start, end, matched, not_near
    rules: pd.DataFrame      # rule, start, end, matched, weight (rule categories)
    text: str
    codebook: Codebook
    context: tuple[str, ...] | None = None

    def __str__(self) -> str:
        verdict = "PRESENT" if self.present else "absent"
        lines = [f"{self.category}: {verdict} (score {self.score:g} vs threshold {self.threshold:g})"]
        if len(self.matches):
            lines.append("cues matched:")
            lines += [f"  {r.matched!r} at {r.start}-{r.end} (cue {r.cue}, weight {r.weight:g})"
                      for r in self.matches.itertuples(index=False)]
        else:
            lines.append("no cue of this category matched")
        if len(self.excluded):
            lines.append("matches cancelled by a not_near phrase:")
            lines += [f"  {r.matched!r} at {r.start}-{r.end} (cue {r.cue}; {r.not_near!r} is near)"
                      for r in self.excluded.itertuples(index=False)]
        if len(self.rules):
            lines.append("rules fired (each counts once): " + ", ".join(
                f"{r.rule} {r.matched!r} ({r.weight:g})" for r in self.rules.itertuples(index=False)))
        if self.context is not None:
            lines.append(f"context actors: {', '.join(self.context) or '(none)'}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        verdict = "present" if self.present else "absent"
        parts = [f"<p><b>{html.escape(self.category)}</b>: {verdict} "
                 f"(score {self.score:g} vs threshold {self.threshold:g})</p>"]
        ev = pd.concat([self.matches.assign(category=self.category),
                        self.rules.rename(columns={"rule": "cue"}).assign(category=self.category)],
                       ignore_index=True)
        if len(ev):
            parts.append(Highlighted("", self.text, ev, self.codebook,
                                     (self.category,) if self.present else ())._repr_html_())
        for title, table in (("Cues matched", self.matches), ("Cancelled by not_near", self.excluded),
                             ("Rules fired", self.rules)):
            if len(table):
                parts.append(f"<p>{title}</p>" + table.to_html(index=False))
        return "".join(parts)
