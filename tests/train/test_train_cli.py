"""`veracity train` passes its options through to `train_model`; an interrupt exits 130 with one line."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import veracity.train
from veracity.cli import app, main
from veracity.errors import InputError
from veracity.train.pipeline import READ_WINDOWS, ReadWindow


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []

    def fake_train_model(data_dir: Path, out_dir: Path, seed: int, max_minutes: float, **kwargs: object):
        seen.append({"seed": seed, "minutes": max_minutes, **kwargs})
        return SimpleNamespace(
            model_path=out_dir / "verifier-int8.onnx",
            model_megabytes=22.0,
            calibration=SimpleNamespace(
                verdict_rule="decision head",
                read_length=160,
                evidence_words=90,
                dev_balanced_accuracy={"wice": 0.7},
                dev_cross_validated={"wice": 0.65},
            ),
        )

    monkeypatch.setattr(veracity.train, "train_model", fake_train_model)
    return seen


def test_second_round_options_reach_train_model(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    previous = tmp_path / "hf"
    previous.mkdir()
    (previous / "config.json").write_text("{}")
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path), "--minutes", "30"]
    result = CliRunner().invoke(app, [*args, "--base-model", str(previous), "--learning-rate", "2e-5"])
    assert result.exit_code == 0, result.output
    assert "wice 0.700 (cross-validated 0.650)" in result.output
    assert "decision head, reading 90 evidence words in 160 word pieces" in result.output
    (call,) = calls
    assert call["base_model"] == previous
    assert call["minutes"] == 30.0
    assert call["config"].learning_rate == 2e-5  # type: ignore[attr-defined]


def test_defaults_start_from_minilm(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    result = CliRunner().invoke(app, ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert calls[0]["base_model"] is None
    assert calls[0]["config"].learning_rate == 5e-5  # type: ignore[attr-defined]
    assert calls[0]["config"].hard_not_enough_evidence is False  # type: ignore[attr-defined]
    assert calls[0]["cv_repeats"] is None


def test_hard_not_enough_evidence_is_opt_in(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--hard-not-enough-evidence"])
    assert result.exit_code == 0, result.output
    assert calls[0]["config"].hard_not_enough_evidence is True  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("option", "field", "default", "value", "out_of_range"),
    [
        ("--max-length", "max_length", 128, "160", "4"),
        ("--average-from", "average_from", None, "0.5", "1"),
        ("--label-smoothing", "label_smoothing", 0.0, "0.1", "1"),
        ("--vitaminc-pairs", "vitaminc_pairs", 2000, "10000", "-1"),
        ("--snli-pairs", "snli_pairs", 500, "0", "-1"),
        ("--fever-pairs", "fever_pairs", 2000, "6000", "-1"),
        ("--fib-pairs", "fib_pairs", 800, "3000", "-1"),
        ("--layers", "layers", None, "4", "0"),
    ],
)
def test_an_option_reaches_the_training_config(
    tmp_path: Path,
    calls: list[dict[str, object]],
    option: str,
    field: str,
    default: object,
    value: str,
    out_of_range: str,
) -> None:
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert getattr(calls[0]["config"], field) == default
    result = CliRunner().invoke(app, [*args, option, value])
    assert result.exit_code == 0, result.output
    assert getattr(calls[1]["config"], field) == float(value)
    assert CliRunner().invoke(app, [*args, option, out_of_range]).exit_code == 2


def test_base_model_without_weights_is_an_input_error(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    args = [
        "train",
        "--out",
        str(tmp_path / "out"),
        "--data-dir",
        str(tmp_path),
        "--base-model",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert "config.json" in str(result.exception)
    assert not calls


def test_a_teacher_and_its_weight_reach_train_model(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--teacher", str(teacher)])
    assert isinstance(result.exception, InputError)
    assert "verifier-int8.onnx" in str(result.exception)
    result = CliRunner().invoke(app, [*args, "--distill-weight", "0.3"])
    assert isinstance(result.exception, InputError)
    assert "--teacher" in str(result.exception)
    assert not calls

    (teacher / "verifier-int8.onnx").write_bytes(b"")
    assert CliRunner().invoke(app, args).exit_code == 0
    assert calls[0]["teacher"] is None
    result = CliRunner().invoke(app, [*args, "--teacher", str(teacher), "--distill-weight", "0.3"])
    assert result.exit_code == 0, result.output
    assert calls[1]["teacher"] == teacher
    assert calls[1]["config"].distill_weight == 0.3  # type: ignore[attr-defined]
    assert CliRunner().invoke(app, [*args, "--teacher", str(teacher), "--distill-weight", "2"]).exit_code == 2


def test_epochs_and_in_domain_repeats_reach_the_config(
    tmp_path: Path, calls: list[dict[str, object]]
) -> None:
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--epochs", "3", "--in-domain-repeats", "1"])
    assert result.exit_code == 0, result.output
    config = calls[0]["config"]
    assert (config.epochs, config.in_domain_repeats) == (3, 1)  # type: ignore[attr-defined]


def test_calibrate_only_refits_the_model_in_out(
    tmp_path: Path, calls: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import veracity.train.pipeline

    fitted: list[Path] = []
    repeats: list[object] = []
    windows: list[object] = []

    def fake_calibrate(model_dir: Path, data_dir: Path, **kwargs: object):
        fitted.append(model_dir)
        repeats.append(kwargs["repeats"])
        windows.append(tuple(kwargs["read_windows"]))  # type: ignore[call-overload]
        return SimpleNamespace(
            verdict_rule="passage calibration",
            read_length=128,
            evidence_words=75,
            dev_balanced_accuracy={"wice": 0.71},
            dev_cross_validated={"wice": 0.66},
        )

    monkeypatch.setattr(veracity.train.pipeline, "calibrate", fake_calibrate)
    (tmp_path / "verifier-int8.onnx").write_bytes(b"model")
    args = ["train", "--out", str(tmp_path), "--data-dir", str(tmp_path), "--calibrate-only"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert fitted == [tmp_path] and not calls
    assert "wice 0.710 (cross-validated 0.660)" in result.output
    assert "passage calibration, reading 75 evidence words in 128 word pieces" in result.output
    assert CliRunner().invoke(app, [*args, "--cv-repeats", "5"]).exit_code == 0
    assert repeats == [None, 5]  # None: calibrate's own default
    assert CliRunner().invoke(app, [*args, "--cv-repeats", "0"]).exit_code == 2
    narrow = [*args, "--read-window", "75:128", "--read-window", "90:160"]
    assert CliRunner().invoke(app, narrow).exit_code == 0
    assert windows == [READ_WINDOWS, READ_WINDOWS, (ReadWindow(128, 75), ReadWindow(160, 90))]


@pytest.mark.parametrize("window", ["128", "75:", "0:128"])
def test_a_malformed_read_window_is_an_input_error(
    tmp_path: Path, calls: list[dict[str, object]], window: str
) -> None:
    (tmp_path / "verifier-int8.onnx").write_bytes(b"model")
    args = ["train", "--out", str(tmp_path), "--data-dir", str(tmp_path), "--calibrate-only"]
    result = CliRunner().invoke(app, [*args, "--read-window", window])
    assert isinstance(result.exception, InputError)
    assert "--read-window" in str(result.exception)


def test_a_read_window_without_calibrate_only_is_an_input_error(
    tmp_path: Path, calls: list[dict[str, object]]
) -> None:
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path), "--read-window", "75:128"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert "--calibrate-only" in str(result.exception) and not calls


def test_calibrate_only_without_a_model_is_an_input_error(
    tmp_path: Path, calls: list[dict[str, object]]
) -> None:
    args = ["train", "--out", str(tmp_path), "--data-dir", str(tmp_path), "--calibrate-only"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert "verifier-int8.onnx" in str(result.exception)


def test_an_interrupt_exits_130_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(veracity.train, "train_model", interrupted)
    monkeypatch.setattr(
        "sys.argv", ["veracity", "train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)]
    )
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 130
    assert capsys.readouterr().err.strip() == "veracity: interrupted; every store keeps its last commit"
