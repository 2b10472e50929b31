"""analysis: codebooks, frame/stance tagging, supervised models, validation,
comparison statistics and figures. Takes and returns tidy DataFrames."""

__version__ = "0.1.0"
