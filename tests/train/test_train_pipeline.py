"""`calibrate` keeps the read window and verdict rule whose held-out dev estimate is highest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import veracity.train.calibrate
import veracity.train.pipeline
from veracity.train.calibrate import DecisionFit
from veracity.train.pipeline import FitAtWindow, ReadWindow, calibrate
from veracity.verify.builtin import Calibration
from veracity.verify.decision import FEATURES, DecisionHead


def fitted_at(
    length: int, head: dict[str, float], passages: dict[str, float], words: int = 90
) -> FitAtWindow:
    size = len(FEATURES)
    decision_head = DecisionHead(np.zeros(size), np.ones(size), np.zeros(size), 0.0, np.zeros(size), 0.0)
    decision = DecisionFit(decision_head, 0.1, head, head, {0.1: sum(head.values()) / len(head)})
    calibration = Calibration(max_length=length, max_words=words)
    return FitAtWindow(ReadWindow(length, words), calibration, passages, passages, decision)


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> dict[ReadWindow, FitAtWindow]:
    table: dict[ReadWindow, FitAtWindow] = {}
    monkeypatch.setattr(veracity.train.calibrate, "calibration_pairs", lambda data_dir: {})
    monkeypatch.setattr(
        veracity.train.pipeline, "_fit_at_window", lambda _dir, _resources, _sets, window, *_: table[window]
    )
    return table


def test_the_best_held_out_rule_and_length_are_kept(
    tmp_path: Path, outcomes: dict[ReadWindow, FitAtWindow]
) -> None:
    outcomes[ReadWindow(128)] = fitted_at(128, {"a": 0.66, "b": 0.66}, {"a": 0.60, "b": 0.60})
    outcomes[ReadWindow(160)] = fitted_at(160, {"a": 0.70, "b": 0.68}, {"a": 0.69, "b": 0.69})
    (tmp_path / "decision.json").write_text("{}")  # a stale head from an earlier run
    result = calibrate(tmp_path, tmp_path, read_windows=(ReadWindow(128), ReadWindow(160)))
    assert (result.verdict_rule, result.read_length) == ("decision head", 160)
    saved = json.loads((tmp_path / "calibration.json").read_text())
    assert saved["max_length"] == 160
    assert saved["verdict_rule"] == "decision head"
    assert set(saved["candidates"]) == {
        "decision head at 128",
        "passage calibration at 128",
        "decision head at 160",
        "passage calibration at 160",
    }
    assert json.loads((tmp_path / "decision.json").read_text())["regularisation"] == 0.1


def test_passage_calibration_wins_and_no_head_is_left(
    tmp_path: Path, outcomes: dict[ReadWindow, FitAtWindow]
) -> None:
    outcomes[ReadWindow(128)] = fitted_at(128, {"a": 0.62}, {"a": 0.71})
    outcomes[ReadWindow(160)] = fitted_at(160, {"a": 0.70}, {"a": 0.60})
    (tmp_path / "decision.json").write_text("{}")
    result = calibrate(tmp_path, tmp_path, read_windows=(ReadWindow(128), ReadWindow(160)))
    assert (result.verdict_rule, result.read_length) == ("passage calibration", 128)
    assert result.dev_cross_validated == {"a": 0.71}
    assert not (tmp_path / "decision.json").exists()


def test_a_tie_between_lengths_keeps_the_shorter(
    tmp_path: Path, outcomes: dict[ReadWindow, FitAtWindow]
) -> None:
    outcomes[ReadWindow(128)] = fitted_at(128, {"a": 0.68}, {"a": 0.60})
    outcomes[ReadWindow(192)] = fitted_at(192, {"a": 0.68}, {"a": 0.60})
    assert calibrate(tmp_path, tmp_path, read_windows=(ReadWindow(192), ReadWindow(128))).read_length == 128


def test_a_narrower_evidence_window_is_kept_and_saved(
    tmp_path: Path, outcomes: dict[ReadWindow, FitAtWindow]
) -> None:
    narrow, default = ReadWindow(128, 75), ReadWindow(160)
    outcomes[narrow] = fitted_at(128, {"a": 0.72}, {"a": 0.60}, words=75)
    outcomes[default] = fitted_at(160, {"a": 0.70}, {"a": 0.60})
    result = calibrate(tmp_path, tmp_path, read_windows=(default, narrow))
    assert (result.read_length, result.evidence_words) == (128, 75)
    saved = json.loads((tmp_path / "calibration.json").read_text())
    assert (saved["max_length"], saved["max_words"]) == (128, 75)
    assert set(saved["candidates"]) == {
        "decision head at 128, 75 evidence words",
        "passage calibration at 128, 75 evidence words",
        "decision head at 160",
        "passage calibration at 160",
    }


def test_a_tie_between_windows_of_one_length_keeps_fewer_words(
    tmp_path: Path, outcomes: dict[ReadWindow, FitAtWindow]
) -> None:
    outcomes[ReadWindow(128, 90)] = fitted_at(128, {"a": 0.68}, {"a": 0.60})
    outcomes[ReadWindow(128, 60)] = fitted_at(128, {"a": 0.68}, {"a": 0.60}, words=60)
    windows = (ReadWindow(128, 90), ReadWindow(128, 60))
    assert calibrate(tmp_path, tmp_path, read_windows=windows).evidence_words == 60


def test_calibrating_at_no_window_is_refused(tmp_path: Path, outcomes: dict[ReadWindow, FitAtWindow]) -> None:
    with pytest.raises(ValueError, match="at least one read window"):
        calibrate(tmp_path, tmp_path, read_windows=())


@pytest.mark.parametrize(
    ("text", "window"), [("75:128", ReadWindow(128, 75)), (" 90 : 160 ", ReadWindow(160, 90))]
)
def test_read_windows_parse_from_words_and_length(text: str, window: ReadWindow) -> None:
    assert ReadWindow.parse(text) == window


@pytest.mark.parametrize(
    ("text", "message"),
    [("128", "WORDS:LENGTH"), ("75:x", "WORDS:LENGTH"), ("5:128", "range"), ("90:4096", "range")],
)
def test_malformed_read_windows_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReadWindow.parse(text)
