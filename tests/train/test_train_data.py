from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from veracity.errors import InputError
from veracity.eval.datasets import hash_split
from veracity.train.data import fever_pairs, fever_symmetric_claims, fool_me_twice_pairs

FEVER_CLAIMS = [f"Claim number {index} is about the city of Paris ." for index in range(40)]


def write_fever(data_dir: Path, claims: list[str]) -> None:
    root = data_dir / "fever_rte_dev"
    root.mkdir(parents=True)
    evidence = [
        "Paris -LRB- French : Paris -RRB- is the capital of France , `` the City of Light '' ."
    ] * len(claims)
    labels = ["entailment" if index % 2 else "not_entailment" for index in range(len(claims))]
    (root / "dev.raw.input0").write_text("\n".join(evidence) + "\n", encoding="utf-8")
    (root / "dev.raw.input1").write_text("\n".join(claims) + "\n", encoding="utf-8")
    (root / "dev.label").write_text("\n".join(labels) + "\n", encoding="utf-8")


def write_symmetric(data_dir: Path, claims: list[str]) -> None:
    root = data_dir / "fever_symmetric" / "symmetric_v0.2"
    root.mkdir(parents=True)
    rows = [
        {"id": str(index), "claim": claim, "evidence": "", "label": "SUPPORTS"}
        for index, claim in enumerate(claims)
    ]
    (root / "fever_symmetric_test.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8"
    )


def train_part(claims: list[str]) -> list[str]:
    return [claim for claim in claims if hash_split("fever_rte_dev", claim) == "train"]


def test_fever_pairs_reads_only_the_harness_train_part_and_untokenizes(tmp_path: Path) -> None:
    write_fever(tmp_path, FEVER_CLAIMS)
    pairs = fever_pairs(tmp_path, 1000, random.Random(0))
    expected = train_part(FEVER_CLAIMS)
    assert 0 < len(expected) < len(FEVER_CLAIMS)
    assert sorted(pair.claim for pair in pairs) == sorted(expected)
    assert pairs[0].evidence == 'Paris (French: Paris) is the capital of France, " the City of Light ".'
    gold = {claim: "supported" if index % 2 else "refuted" for index, claim in enumerate(FEVER_CLAIMS)}
    assert {pair.claim: pair.label for pair in pairs} == {claim: gold[claim] for claim in expected}


def test_fever_pairs_leave_out_fever_symmetric_claims_whatever_their_spacing(tmp_path: Path) -> None:
    write_fever(tmp_path, FEVER_CLAIMS)
    held_out = train_part(FEVER_CLAIMS)[:3]
    write_symmetric(tmp_path, [claim.replace(" .", ".").upper() for claim in held_out])
    assert len(fever_symmetric_claims(tmp_path)) == 3
    claims = {pair.claim for pair in fever_pairs(tmp_path, 1000, random.Random(0))}
    assert claims == set(train_part(FEVER_CLAIMS)) - set(held_out)


def test_fever_pairs_samples_at_most_the_limit(tmp_path: Path) -> None:
    write_fever(tmp_path, FEVER_CLAIMS)
    assert len(fever_pairs(tmp_path, 5, random.Random(0))) == 5


def test_fever_pairs_name_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"dev\.raw\.input0"):
        fever_pairs(tmp_path, 10, random.Random(0))


def test_fool_me_twice_pairs_read_dev_only_and_skip_claims_without_evidence(tmp_path: Path) -> None:
    root = tmp_path / "fool_me_twice"
    root.mkdir()
    dev = [
        {
            "text": "Gandhi was filmed in India.",
            "label": "SUPPORTS",
            "gold_evidence": [{"text": "Shot in India."}],
        },
        {
            "text": "Gandhi was filmed on Mars.",
            "label": "REFUTES",
            "gold_evidence": [{"text": "A."}, {"text": "B."}],
        },
        {"text": "No evidence here.", "label": "REFUTES", "gold_evidence": []},
    ]
    test = [{"text": "A test claim.", "label": "SUPPORTS", "gold_evidence": [{"text": "Never read."}]}]
    for name, rows in (("dev.jsonl", dev), ("test.jsonl", test)):
        records = [{"id": f"fmt-{n}", "wikipedia_page": "Gandhi (film)", **row} for n, row in enumerate(rows)]
        (root / name).write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    pairs = fool_me_twice_pairs(tmp_path)
    assert [(pair.claim, pair.evidence, pair.label) for pair in pairs] == [
        ("Gandhi was filmed in India.", "Shot in India.", "supported"),
        ("Gandhi was filmed on Mars.", "A. B.", "refuted"),
    ]


def test_real_fever_pairs_hold_no_fever_symmetric_claim(shared_datasets: Path) -> None:
    pairs = fever_pairs(shared_datasets, 100_000, random.Random(0))
    held_out = fever_symmetric_claims(shared_datasets)
    assert len(pairs) > 5000 and len(held_out) > 500
    assert all(hash_split("fever_rte_dev", pair.claim) == "train" for pair in pairs)
    assert not {re.sub(r"\W+", "", pair.claim.lower()) for pair in pairs} & held_out
    assert "-LRB-" not in " ".join(pair.evidence for pair in pairs)
