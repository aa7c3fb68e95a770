"""Opening stores: missing, corrupt, wrong schema version, locked, read-only."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from veracity.errors import ConfigError, StoreError
from veracity.store import SCHEMA_VERSION, Store
from veracity.store.store import DB_NAME
from veracity.types import Document


def test_missing_store_tells_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no evidence store at .*run `veracity index \.\.\. --store"):
        Store.open(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_create_then_reopen(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", create=True) as store:
        stats = store.stats()
    assert stats["documents"] == 0
    assert stats["schema_version"] == SCHEMA_VERSION
    with Store.open(tmp_path / "s", read_only=True) as store:
        assert store.read_only
        assert store.stats()["passages"] == 0


def test_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store.open(target, create=True)


def test_create_and_read_only_together_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Store.open(tmp_path / "s", create=True, read_only=True)


@pytest.mark.parametrize(
    "content", [b"this is not sqlite at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_corrupt_database_is_a_store_error(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(content)
    for read_only in (False, True):
        with pytest.raises(StoreError):
            Store.open(folder, read_only=read_only)
    with pytest.raises(StoreError):
        Store.open(folder, create=True)
    assert (folder / DB_NAME).read_bytes() == content  # never overwritten


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    with sqlite3.connect(folder / DB_NAME) as connection:
        connection.execute("CREATE TABLE unrelated (x)")
    with pytest.raises(StoreError, match="not a readable evidence store"):
        Store.open(folder, create=True)


def test_other_schema_version_names_both_versions(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", create=True):
        pass
    with sqlite3.connect(tmp_path / "s" / DB_NAME) as connection:
        connection.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=rf"schema version 999.*version {SCHEMA_VERSION}"):
        Store.open(tmp_path / "s", read_only=True)


def test_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", create=True):
        with pytest.raises(StoreError, match=rf"locked by another veracity process \(pid {os.getpid()}\)"):
            Store.open(tmp_path / "s")
        with Store.open(tmp_path / "s", read_only=True) as reader:
            assert reader.stats()["documents"] == 0
    with Store.open(tmp_path / "s"):
        pass  # released on close


def test_lock_held_by_another_process(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", create=True):
        pass
    code = (
        "import sys\nfrom pathlib import Path\nfrom veracity.store import Store\n"
        "s = Store.open(Path(sys.argv[1]))\nprint('ready', flush=True)\nsys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "s")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=rf"pid {holder.pid}\)"):
            Store.open(tmp_path / "s")
    finally:
        holder.kill()
        holder.wait()
    with Store.open(tmp_path / "s"):
        pass  # the kernel dropped the dead holder's lock


def test_read_only_store_refuses_writes(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True):
        pass
    with Store.open(tmp_path / "s", read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.add_documents([Document(doc_id="d", source="s", text="Some text.")], embedder)


def test_reader_sees_commits_of_a_running_writer(tmp_path: Path, embedder) -> None:
    with (
        Store.open(tmp_path / "s", create=True) as writer,
        Store.open(tmp_path / "s", read_only=True) as reader,
    ):
        assert reader.stats()["documents"] == 0
        writer.add_documents([Document(doc_id="d", source="s", text="The bridge opened in 1932.")], embedder)
        assert reader.stats()["documents"] == 1
        assert reader.search_bm25("bridge", 5)
        assert reader.search_dense(embedder.embed(["bridge opened"])[0], 5)
