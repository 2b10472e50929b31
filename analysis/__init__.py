"""analysis: codebooks, frame/stance tagging, supervised models, validation,
comparison statistics and figures. Takes and returns tidy DataFrames.

Public names are imported lazily (``import analysis`` stays cheap); each area
lists its names in its own section of ``_LAZY`` below.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    # --- codebooks and tagging (issue: tagger) ---
    "Codebook": "codebook:Codebook",
    "CodebookError": "codebook:CodebookError",
    "load_codebook": "codebook:load_codebook",
    "parse_codebook": "codebook:parse_codebook",
    "tag": "tagging:tag",
    "tag_batches": "tagging:tag_batches",
    "TagResult": "tagging:TagResult",
    "TaggingError": "tagging:TaggingError",
    "document_stance": "tagging:document_stance",
    "cue_counts": "tagging:cue_counts",
    "CueFeatures": "tagging:CueFeatures",
    "detect_language": "languages:detect_language",
    "document_languages": "languages:document_languages",
    "LanguageMismatchWarning": "languages:LanguageMismatchWarning",
    "explain": "display:explain",
    "split_sentences": "sentences:split_sentences",
    # --- whataboutism rules (issue: tagger) ---
    "whataboutism_features": "whataboutism:rule_features",
    "is_whataboutism": "whataboutism:is_whataboutism",
    # --- LLM coder (issue 16) ---
    "LLMCoder": "llm_coder:LLMCoder",
    "LLMCoderError": "_llm_prompt:LLMCoderError",
    # --- coding, reliability, supervised models (issue: validation) ---
    "draw_sample": "coding:draw_sample",
    "write_coding_sheet": "coding:write_coding_sheet",
    "read_coding_sheets": "coding:read_coding_sheets",
    "krippendorff_alpha": "reliability:krippendorff_alpha",
    "percent_agreement": "reliability:percent_agreement",
    "cohen_kappa": "reliability:cohen_kappa",
    "fleiss_kappa": "reliability:fleiss_kappa",
    "reliability_report": "reliability:reliability_report",
    "FrameClassifier": "models:FrameClassifier",
    "WhataboutismClassifier": "models:WhataboutismClassifier",
    "save_model": "model_io:save_model",
    "load_model": "model_io:load_model",
    "load_pretrained": "model_io:load_pretrained",
    "model_info": "model_io:model_info",
    "evaluate_model": "evaluation:evaluate_model",
    "cross_validate_model": "evaluation:cross_validate_model",
    "suggest_next": "evaluation:suggest_next",
    "model_coder_agreement": "evaluation:model_coder_agreement",
    "load_frac": "datasets:load_frac",
    # --- target stance model (issue 14: stance) ---
    "StanceClassifier": "stance_model:StanceClassifier",
    "StanceError": "stance_model:StanceError",
    "stance_words": "stance_model:stance_words",
    # --- stance of replies in threads (issue 14) ---
    "ReplyStanceClassifier": "reply_stance:ReplyStanceClassifier",
    "read_rumoureval_key": "rumoureval:read_rumoureval_key",
    # --- comparison, terms, reply trees, alignment (issue: compare) ---
    "prevalence": "compare:prevalence",
    "compare_groups": "compare:compare_groups",
    "adjust_pvalues": "compare:adjust_pvalues",
    "wilson_interval": "compare:wilson_interval",
    "distinctive_terms": "terms:distinctive_terms",
    "tokenize": "terms:tokenize",
    "reply_edges": "replies:reply_edges",
    "transitions": "replies:transitions",
    "answered_by": "replies:answered_by",
    "frames_by_depth": "replies:frames_by_depth",
    "article_vs_comments": "replies:article_vs_comments",
    "story_sentences": "alignment:story_sentences",
    "align_versions": "alignment:align_versions",
    "alignment_matrix": "alignment:alignment_matrix",
    "change_frames": "alignment:change_frames",
    # --- figures and style (issue: compare) ---
    "house_style": "style:house_style",
    "save_figure": "figures:save_figure",
    "plot_prevalence": "plots:plot_prevalence",
    "plot_article_vs_comments": "plots:plot_article_vs_comments",
    "plot_reply_tree": "plots:plot_reply_tree",
    "plot_transitions": "plots:plot_transitions",
    "plot_distinctive_terms": "plots:plot_distinctive_terms",
    "plot_alignment_matrix": "plots:plot_alignment_matrix",
    "tree_layout": "plots:tree_layout",
    # --- demo (issue: compare) ---
    "run_demo": "demo:run_demo",
    "report": "reporting:report",
    "ReportResult": "reporting:ReportResult",
}


def __getattr__(name: str):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    module, attr = target.split(":")
    value = getattr(importlib.import_module(f"analysis.{module}"), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))


__all__ = sorted(_LAZY)
