"""Supervised classifiers, stance models, the LLM coder and the model-file format (docs/validation.md, docs/stance.md, docs/llm-coder.md).

The public names are re-exported by ``analysis``; import them from there."""
