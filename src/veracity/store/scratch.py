"""A throwaway store over a few files or texts, for `check --evidence` and `veracity.check_text`: check a
text against its own sources (a generated answer against the documents it was given) without building and
keeping a store first."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from veracity.errors import InputError
from veracity.ingest.evidence import require_distinct_ids
from veracity.resources import Resources
from veracity.store.store import IndexResult, Store
from veracity.types import Document


@contextmanager
def scratch_store(
    paths: Sequence[Path],
    resources: Resources,
    *,
    documents: Sequence[Document] = (),
    progress: bool = True,
) -> Iterator[tuple[Path, IndexResult]]:
    """A store of `paths` and `documents` in a temporary folder, removed on exit (also on error or
    interrupt), and what indexing the files did (files it skipped are in its `errors`)."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    require_distinct_ids(documents)
    with tempfile.TemporaryDirectory(prefix="veracity-evidence-") as folder:
        store_path = Path(folder) / "store"
        with Store.open(store_path, create=True) as store:
            result = (
                store.index_paths(paths, resources.embedder, progress=progress) if paths else IndexResult()
            )
            if documents:
                store.add_documents(documents, resources.embedder)
            passages = store.stats()["passages"]
        if not passages:
            why = ""
            if result.errors:
                source, message = result.errors[0]
                why = f" ({message if source in message else f'{source}: {message}'})"
            named = [str(path) for path in paths] + [document.source for document in documents]
            raise InputError(f"no evidence text in {', '.join(named) or 'the evidence given'}{why}")
        yield store_path, result
