"""The evidence store: documents, passages, BM25 and dense search in one embedded SQLite folder."""

from veracity.store.dense import AnnDenseIndex, DenseIndex, ExactDenseIndex
from veracity.store.fts import match_expression, query_terms
from veracity.store.passages import passage_spans, sentence_spans
from veracity.store.schema import SCHEMA_VERSION
from veracity.store.store import ANN_THRESHOLD, DateRange, IndexResult, Store

__all__ = [
    "ANN_THRESHOLD",
    "SCHEMA_VERSION",
    "AnnDenseIndex",
    "DateRange",
    "DenseIndex",
    "ExactDenseIndex",
    "IndexResult",
    "Store",
    "match_expression",
    "passage_spans",
    "query_terms",
    "sentence_spans",
]
