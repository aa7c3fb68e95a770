"""Data set loaders: label mappings, fixed splits, streaming samples and the generic pairs file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from veracity.errors import ConfigError, InputError
from veracity.eval.datasets import (
    DATASETS,
    GOLD_LABELS,
    Pair,
    hash_split,
    iter_pairs,
    load_pairs,
    read_pairs_file,
    resolve_data_dir,
    sample,
)

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "datasets"
needs_data = pytest.mark.skipif(
    not DATA_DIR.is_dir(), reason="shared data sets not present at ../shared/datasets"
)


def _pairs(count: int) -> list[Pair]:
    return [Pair(str(i), f"claim {i}", (f"evidence {i}",), "supported") for i in range(count)]


def test_sample_is_deterministic_ordered_and_bounded() -> None:
    first = sample(iter(_pairs(1000)), 50, seed=3)
    again = sample(iter(_pairs(1000)), 50, seed=3)
    other = sample(iter(_pairs(1000)), 50, seed=4)
    assert first == again
    assert first != other
    assert len(first) == 50
    assert [int(p.id) for p in first] == sorted(int(p.id) for p in first)
    assert len(sample(iter(_pairs(10)), 50)) == 10
    with pytest.raises(InputError):
        sample(iter(_pairs(3)), 0)


def test_hash_split_is_stable_and_roughly_60_20_20() -> None:
    counts = Counter(hash_split("x", str(i)) for i in range(5000))
    assert 0.55 < counts["train"] / 5000 < 0.65
    assert 0.15 < counts["test"] / 5000 < 0.25
    assert hash_split("x", "doc-1") == hash_split("x", "doc-1")


def test_data_dir_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERACITY_DATA_DIR", "/data/here")
    assert resolve_data_dir() == Path("/data/here")
    assert resolve_data_dir("elsewhere") == Path("elsewhere")
    monkeypatch.delenv("VERACITY_DATA_DIR")
    assert resolve_data_dir() == Path("../shared/datasets")


def test_pairs_file_accepts_string_or_list_evidence(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    rows = [
        {"id": "a", "claim": "C1", "evidence": "E1", "label": "supported"},
        {"id": "b", "claim": "C2", "evidence": ["E2", "E3"], "label": "not_enough_evidence"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    pairs = read_pairs_file(path)
    assert [p.evidence for p in pairs] == [("E1",), ("E2", "E3")]
    assert [p.label for p in pairs] == ["supported", "not_enough_evidence"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{bad json", "not valid JSON"),
        ('{"claim": "", "evidence": "e", "label": "supported"}', "'claim'"),
        ('{"claim": "c", "evidence": 3, "label": "supported"}', "'evidence'"),
        ('{"claim": "c", "evidence": "e", "label": "true"}', "'label'"),
    ],
)
def test_pairs_file_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_pairs_file(path)
    assert f"{path}:1" in str(info.value)


def test_unknown_names_and_splits_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown data set"):
        iter_pairs("nope", "test", tmp_path)
    with pytest.raises(ConfigError, match="no 'train' split"):
        iter_pairs("wice", "train", tmp_path)
    with pytest.raises(InputError, match="not found"):
        iter_pairs("wice", "test", tmp_path)


@needs_data
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_loads_a_sample_with_valid_labels(name: str) -> None:
    split = "test" if "test" in DATASETS[name].splits else DATASETS[name].splits[-1]
    pairs = load_pairs(name, split, DATA_DIR, limit=40)
    assert 0 < len(pairs) <= 40
    for pair in pairs:
        assert pair.label in GOLD_LABELS
        assert pair.claim.strip()
        assert any(text.strip() for text in pair.evidence)


@needs_data
def test_stated_label_mappings_on_the_three_named_sets() -> None:
    wice = Counter(p.label for p in iter_pairs("wice", "test", DATA_DIR))
    assert wice == {"supported": 111, "not_enough_evidence": 247}
    covid = Counter(p.label for p in iter_pairs("check_covid", "test", DATA_DIR))
    assert covid == {"supported": 77, "refuted": 76, "not_enough_evidence": 76}
    fc_docs = {
        split: {p.group for p in iter_pairs("factcheck_gpt", split, DATA_DIR)} for split in ("train", "test")
    }
    assert not fc_docs["train"] & fc_docs["test"]
