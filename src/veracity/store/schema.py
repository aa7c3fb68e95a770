"""The SQLite schema: the store's only source of truth (the dense-vector cache is derived from it)."""

from __future__ import annotations

SCHEMA_VERSION = 1

# `origins` are the units of incremental indexing: a file path, or "api:<doc_id>" for documents added
# through the API. A document's content is stored once however many origins contain it
# (`document_refs`), and is deleted when the last origin that contains it goes.
SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE origins (
    origin TEXT PRIMARY KEY,
    mtime REAL,
    size INTEGER,
    content_hash TEXT NOT NULL,
    documents INTEGER NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    path TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT,
    url TEXT,
    published TEXT,
    mtime REAL,
    size INTEGER,
    text TEXT NOT NULL
);
CREATE INDEX documents_doc_id ON documents(doc_id);
CREATE INDEX documents_published ON documents(published);
CREATE TABLE document_refs (
    origin TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    PRIMARY KEY (origin, document_id)
) WITHOUT ROWID;
CREATE INDEX document_refs_document ON document_refs(document_id);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX passages_document ON passages(document_id);
CREATE VIRTUAL TABLE passages_fts USING fts5(
    text,
    content='passages',
    content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE embeddings (
    passage_id INTEGER PRIMARY KEY REFERENCES passages(id),
    vector BLOB NOT NULL
);
"""
