"""`calibrate` keeps the read length and verdict rule whose held-out dev estimate is highest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import veracity.train.calibrate
import veracity.train.pipeline
from veracity.train.calibrate import DecisionFit
from veracity.train.pipeline import FitAtLength, calibrate
from veracity.verify.builtin import Calibration
from veracity.verify.decision import FEATURES, DecisionHead


def fitted_at(length: int, head: dict[str, float], passages: dict[str, float]) -> FitAtLength:
    size = len(FEATURES)
    decision_head = DecisionHead(np.zeros(size), np.ones(size), np.zeros(size), 0.0, np.zeros(size), 0.0)
    decision = DecisionFit(decision_head, 0.1, head, head, {0.1: sum(head.values()) / len(head)})
    return FitAtLength(length, Calibration(max_length=length), passages, passages, decision)


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> dict[int, FitAtLength]:
    table: dict[int, FitAtLength] = {}
    monkeypatch.setattr(veracity.train.calibrate, "calibration_pairs", lambda data_dir: {})
    monkeypatch.setattr(
        veracity.train.pipeline, "_fit_at_length", lambda _dir, _resources, _sets, length, *_: table[length]
    )
    return table


def test_the_best_held_out_rule_and_length_are_kept(tmp_path: Path, outcomes: dict[int, FitAtLength]) -> None:
    outcomes[128] = fitted_at(128, {"a": 0.66, "b": 0.66}, {"a": 0.60, "b": 0.60})
    outcomes[160] = fitted_at(160, {"a": 0.70, "b": 0.68}, {"a": 0.69, "b": 0.69})
    (tmp_path / "decision.json").write_text("{}")  # a stale head from an earlier run
    result = calibrate(tmp_path, tmp_path, read_lengths=(128, 160))
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
    tmp_path: Path, outcomes: dict[int, FitAtLength]
) -> None:
    outcomes[128] = fitted_at(128, {"a": 0.62}, {"a": 0.71})
    outcomes[160] = fitted_at(160, {"a": 0.70}, {"a": 0.60})
    (tmp_path / "decision.json").write_text("{}")
    result = calibrate(tmp_path, tmp_path, read_lengths=(128, 160))
    assert (result.verdict_rule, result.read_length) == ("passage calibration", 128)
    assert result.dev_cross_validated == {"a": 0.71}
    assert not (tmp_path / "decision.json").exists()


def test_a_tie_between_lengths_keeps_the_shorter(tmp_path: Path, outcomes: dict[int, FitAtLength]) -> None:
    outcomes[128] = fitted_at(128, {"a": 0.68}, {"a": 0.60})
    outcomes[192] = fitted_at(192, {"a": 0.68}, {"a": 0.60})
    assert calibrate(tmp_path, tmp_path, read_lengths=(128, 192)).read_length == 128
