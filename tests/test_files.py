from __future__ import annotations

from pathlib import Path

import pytest

import veracity.files
from veracity.files import write_text_atomically


def test_the_new_text_replaces_the_old_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    target = tmp_path / "calibration.json"
    target.write_text("old", encoding="utf-8")
    write_text_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["calibration.json"]


def test_a_write_that_fails_part_way_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "decision.json"
    target.write_text('{"complete": true}', encoding="utf-8")

    def interrupted(source: str, destination: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(veracity.files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomically(target, '{"complete": false}')
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == '{"complete": true}'
    assert [path.name for path in tmp_path.iterdir()] == ["decision.json"]
