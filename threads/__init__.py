"""threads: ingest. Raw pages, scrapes and platform exports -> one tidy Corpus.

>>> import threads
>>> corpus = threads.sample_corpus()
>>> sorted(corpus.units["role"].unique())
['body', 'boilerplate', 'comment', 'meta', 'title']
"""

from .convokit import from_convokit
from .corpus import Corpus, concat, read_corpus
from .dataset import DatasetCorpus, open_corpus, write_dataset
from .errors import (
    BadTimeWarning,
    CorpusError,
    DataGapWarning,
    EncodingWarning_,
    FormatError,
    InputError,
    ReplyTreeWarning,
    SchemaError,
    SkippedFileWarning,
    ThreadframeError,
    ThreadframeWarning,
    TruncatedPageWarning,
    UnplacedTextWarning,
)
from .read import detect_format, read
from .refi_qda_read import read_refi_qda
from .sample import sample_corpus, sample_paths
from .schema import CONTENT_ROLES, ROLES, SCHEMA_VERSION

__all__ = [
    "BadTimeWarning",
    "CONTENT_ROLES",
    "Corpus",
    "CorpusError",
    "DataGapWarning",
    "DatasetCorpus",
    "EncodingWarning_",
    "FormatError",
    "InputError",
    "ROLES",
    "ReplyTreeWarning",
    "SCHEMA_VERSION",
    "SchemaError",
    "SkippedFileWarning",
    "ThreadframeError",
    "ThreadframeWarning",
    "TruncatedPageWarning",
    "UnplacedTextWarning",
    "concat",
    "detect_format",
    "from_convokit",
    "open_corpus",
    "read",
    "read_corpus",
    "read_refi_qda",
    "sample_corpus",
    "sample_paths",
    "write_dataset",
]
__version__ = "0.1.0"
