"""Reading articles and evidence documents: encodings, HTML and Markdown, title and date lines."""

from veracity.ingest.article import (
    DEFAULT_MAX_BYTES,
    ArticleFormat,
    article_from_html,
    article_from_markdown,
    article_from_text,
    read_article,
)
from veracity.ingest.documents import SUPPORTED_SUFFIXES, ErrorHandler, iter_documents, supported_suffix

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "ArticleFormat",
    "ErrorHandler",
    "article_from_html",
    "article_from_markdown",
    "article_from_text",
    "iter_documents",
    "read_article",
    "supported_suffix",
]
