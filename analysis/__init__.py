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
    "Codebook": "tagging.codebook:Codebook",
    "CodebookError": "tagging.codebook:CodebookError",
    "load_codebook": "tagging.codebook:load_codebook",
    "parse_codebook": "tagging.codebook:parse_codebook",
    "tag": "tagging.tagger:tag",
    "tag_batches": "tagging.tagger:tag_batches",
    "TagResult": "tagging.tagger:TagResult",
    "TaggingError": "tagging.inputs:TaggingError",
    "document_stance": "tagging.tagger:document_stance",
    "cue_counts": "tagging.features:cue_counts",
    "CueFeatures": "tagging.features:CueFeatures",
    "detect_language": "languages:detect_language",
    "document_languages": "languages:document_languages",
    "explain": "tagging.tagger:explain",
    "split_sentences": "sentences:split_sentences",
    # --- warnings (all in one module) ---
    "LanguageMismatchWarning": "exceptions:LanguageMismatchWarning",
    "NothingTaggedWarning": "exceptions:NothingTaggedWarning",
    "UntaggedUnitsWarning": "exceptions:UntaggedUnitsWarning",
    "ThreadframeWarning": "exceptions:ThreadframeWarning",
    # --- a corpus on disk (issue 15) ---
    "tag_dataset": "tagging.tag_dataset:tag_dataset",
    # --- rule layers (plug-ins) ---
    "register_rule_layer": "tagging.layers:register_rule_layer",
    "rule_layer_names": "tagging.layers:rule_layer_names",
    "RuleLayer": "tagging.layers:RuleLayer",
    "LayerHits": "tagging.layers:LayerHits",
    # --- whataboutism rules (issue: tagger) ---
    "whataboutism_features": "tagging.whataboutism:rule_features",
    "is_whataboutism": "tagging.whataboutism:is_whataboutism",
    # --- LLM coder (issue 16) ---
    "LLMCoder": "models.llm_coder:LLMCoder",
    "LLMCoderError": "models._llm_prompt:LLMCoderError",
    # --- coding, reliability, supervised models (issue: validation) ---
    "draw_sample": "validation.coding:draw_sample",
    "write_coding_sheet": "validation.coding:write_coding_sheet",
    "read_coding_sheets": "validation.coding:read_coding_sheets",
    "krippendorff_alpha": "validation.reliability:krippendorff_alpha",
    "percent_agreement": "validation.reliability:percent_agreement",
    "cohen_kappa": "validation.reliability:cohen_kappa",
    "fleiss_kappa": "validation.reliability:fleiss_kappa",
    "reliability_report": "validation.reliability:reliability_report",
    "FrameClassifier": "models.classifiers:FrameClassifier",
    "WhataboutismClassifier": "models.classifiers:WhataboutismClassifier",
    "save_model": "models.model_io:save_model",
    "load_model": "models.model_io:load_model",
    "load_pretrained": "models.model_io:load_pretrained",
    "model_info": "models.model_io:model_info",
    "evaluate_model": "validation.evaluation:evaluate_model",
    "cross_validate_model": "validation.evaluation:cross_validate_model",
    "suggest_next": "validation.evaluation:suggest_next",
    "model_coder_agreement": "validation.evaluation:model_coder_agreement",
    "load_frac": "models.datasets:load_frac",
    # --- target stance model (issue 14: stance) ---
    "StanceClassifier": "models.stance:StanceClassifier",
    "StanceError": "models.stance:StanceError",
    "stance_words": "models.stance:stance_words",
    # --- stance of replies in threads (issue 14) ---
    "ReplyStanceClassifier": "models.reply_stance:ReplyStanceClassifier",
    "read_rumoureval_key": "validation.rumoureval:read_rumoureval_key",
    # --- comparison, terms, reply trees, alignment (issue: compare) ---
    "prevalence": "compare.groups:prevalence",
    "compare_groups": "compare.groups:compare_groups",
    "adjust_pvalues": "compare.groups:adjust_pvalues",
    "wilson_interval": "compare.groups:wilson_interval",
    "distinctive_terms": "compare.terms:distinctive_terms",
    "tokenize": "compare.terms:tokenize",
    "reply_edges": "compare.replies:reply_edges",
    "transitions": "compare.replies:transitions",
    "answered_by": "compare.replies:answered_by",
    "frames_by_depth": "compare.replies:frames_by_depth",
    "article_vs_comments": "compare.replies:article_vs_comments",
    "story_sentences": "compare.alignment:story_sentences",
    "align_versions": "compare.alignment:align_versions",
    "alignment_matrix": "compare.alignment:alignment_matrix",
    "change_frames": "compare.alignment:change_frames",
    # --- figures and style (issue: compare) ---
    "house_style": "figures.style:house_style",
    "save_figure": "figures.save:save_figure",
    "plot_prevalence": "figures.plots:plot_prevalence",
    "plot_article_vs_comments": "figures.plots:plot_article_vs_comments",
    "plot_reply_tree": "figures.plots:plot_reply_tree",
    "plot_transitions": "figures.plots:plot_transitions",
    "plot_distinctive_terms": "figures.plots:plot_distinctive_terms",
    "plot_alignment_matrix": "figures.plots:plot_alignment_matrix",
    "tree_layout": "figures.plots:tree_layout",
    # --- demo (issue: compare) ---
    "run_demo": "reporting.demo:run_demo",
    "report": "reporting.report:report",
    "ReportResult": "reporting.report:ReportResult",
    # --- document / outlet stance, stance model files (issue 14: what is left) ---
    "stance_shares": "compare.stance_shares:stance_shares",
    "unit_stance": "compare.stance_shares:unit_stance",
    # --- codebooks in more languages (issue 13: langs) ---
    "codebook_languages": "tagging.codebook:codebook_languages",
    # --- dictionaries in (issue 17) ---
    "import_dictionary": "tagging.dictionaries:import_dictionary",
    "write_codebook": "tagging.dictionaries:write_codebook",
    "ImportReport": "tagging.dictionaries:ImportReport",
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
