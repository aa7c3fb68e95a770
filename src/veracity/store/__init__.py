"""The evidence store: documents, passages, BM25 and dense search in one embedded SQLite folder."""

from veracity.store.dense import DenseIndex, ExactDenseIndex
from veracity.store.fts import match_expression, query_terms
from veracity.store.passages import passage_spans, sentence_spans
from veracity.store.schema import SCHEMA_VERSION
from veracity.store.store import DateRange, IndexResult, Store

__all__ = [
    "SCHEMA_VERSION",
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
