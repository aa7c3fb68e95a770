"""Training and calibration pairs from the shared data sets whose licences allow commercial use.

Only train/dev material is read here: Check-COVID train (training) and dev (calibration), the WiCE dev
split divided by claim (`wice_dev_split`), Factcheck-GPT documents of the eval harness's train and dev
splits (`veracity.eval.datasets.hash_split`, by document), VitaminC, SNLI dev, FIB-XSum, the Fool Me
Twice dev file and the train part of the eval harness's split of the FEVER shared-task dev pairs.
Test splits are never opened.
"""

from __future__ import annotations

import ast
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from veracity.errors import InputError
from veracity.eval.datasets import (
    CHECK_COVID_LABELS,
    FEVER_LABELS,
    Split,
    iter_factcheck_documents,
    iter_pairs,
    nli_label,
    wice_label,
)
from veracity.train.evidence import evidence_window, select_evidence, split_sentences
from veracity.train.pairs import Pair, PairLabel
from veracity.train.splits import wice_dev_split

_FACTCHECK_STANCE: dict[str, PairLabel] = {
    "completely-support": "supported",
    "refute": "refuted",
    "irrelevant": "not_enough_evidence",
}


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"data file {path} is missing: point --data-dir at the shared datasets folder")
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def check_covid_pairs(data_dir: Path, split: str) -> list[Pair]:
    """Evidence is the annotated sentences, or for NEI rows the abstract window the claim overlaps most."""
    root = data_dir / "check_covid"
    corpus = {row["cord_id"]: row["abstract"] for row in read_jsonl(root / "corpus.json")}
    pairs: list[Pair] = []
    for row in read_jsonl(root / split / f"covidCheck_{split}_composed+extracted.json"):
        abstract = corpus.get(row["cord_id"], [])
        indices = sorted({item["sent_index"] for item in row.get("evidence_set", [])})
        gold = [abstract[i] for i in indices if i < len(abstract)]
        evidence = evidence_window(row["claim"], gold) if gold else select_evidence(row["claim"], abstract)
        if evidence:
            label = CHECK_COVID_LABELS[row["label"]]
            pairs.append(Pair(evidence, row["claim"].strip(), label, "check_covid"))
    return pairs


def check_covid_documents(data_dir: Path, split: str) -> list[list[str]]:
    """Abstracts cited by `split` claims only, so that no test abstract feeds the synthetic edits."""
    root = data_dir / "check_covid"
    wanted = {
        row["cord_id"] for row in read_jsonl(root / split / f"covidCheck_{split}_composed+extracted.json")
    }
    return [row["abstract"] for row in read_jsonl(root / "corpus.json") if row["cord_id"] in wanted]


def wice_pairs(data_dir: Path, part: str) -> list[Pair]:
    """WiCE dev claims of one part: the gold evidence sentences, and the oracle chunk the authors provide."""
    root = data_dir / "wice"
    pairs: list[Pair] = []
    for row in read_jsonl(root / "entailment_retrieval" / "claim" / "dev.jsonl"):
        if wice_dev_split(row["meta"]["id"]) != part:
            continue
        label: PairLabel = wice_label(row["label"])
        sentences = row["evidence"]
        gold_sets = row.get("supporting_sentences") or []
        if gold_sets:
            gold = [sentences[i] for i in sorted(gold_sets[0]) if i < len(sentences)]
            pairs.append(Pair(evidence_window(row["claim"], gold), row["claim"], label, "wice/gold"))
        else:
            pairs.append(Pair(select_evidence(row["claim"], sentences), row["claim"], label, "wice/window"))
    return pairs


def wice_oracle_pairs(data_dir: Path, part: str) -> list[Pair]:
    """The authors' oracle chunks of WiCE dev claims of one part: gold sentences among distractors from the
    same page, each chunk cut to the window the model reads."""
    pairs: list[Pair] = []
    for row in read_jsonl(data_dir / "wice" / "oracle_chunks" / "claim" / "dev.jsonl"):
        if wice_dev_split(row["meta"]["id"]) == part:
            sentences = [s for s in row["evidence"] if not s.startswith("(meta data)")]
            pairs.append(
                Pair(
                    evidence_window(row["claim"], sentences),
                    row["claim"],
                    wice_label(row["label"]),
                    "wice/oracle",
                )
            )
    return pairs


def wice_documents(data_dir: Path, part: str) -> list[list[str]]:
    root = data_dir / "wice"
    return [
        [s for s in row["evidence"] if not s.startswith("(meta data)")]
        for row in read_jsonl(root / "entailment_retrieval" / "claim" / "dev.jsonl")
        if wice_dev_split(row["meta"]["id"]) == part
    ]


def factcheck_gpt_claims(data_dir: Path, split: Split) -> Iterator[tuple[str, list[str], list[str], Any]]:
    """(claim, evidence passages, passage stances, claim label) for documents in `split` of the eval split."""
    for _, document in iter_factcheck_documents(data_dir / "factcheck_gpt", split):
        for sentence in document["sentences"].values():
            claims = sentence.get("claims") or []
            evidence = sentence.get("auto_evidence") or []
            stances = sentence.get("stance_claim_autoEvid") or []
            labels = sentence.get("claims_factuality_label") or []
            for i, claim in enumerate(claims):
                yield (
                    claim,
                    evidence[i] if i < len(evidence) else [],
                    stances[i] if i < len(stances) else [],
                    labels[i] if i < len(labels) else None,
                )


def factcheck_gpt_pairs(
    data_dir: Path, split: Split, rng: random.Random, *, partial_as_nei: bool = False
) -> list[Pair]:
    """Per-passage stances; at most one irrelevant passage per claim so NEI does not swamp the rest.

    With `partial_as_nei`, a passage that supports only part of the claim is a not-enough-evidence pair:
    the case the verifier must not call supported.
    """
    pairs: list[Pair] = []
    for claim, passages, stances, _ in factcheck_gpt_claims(data_dir, split):
        irrelevant: list[Pair] = []
        for passage, stance in zip(passages, stances, strict=False):
            partial = partial_as_nei and stance == "partially-support"
            label = "not_enough_evidence" if partial else _FACTCHECK_STANCE.get(stance)
            if label is None:
                continue
            pair = Pair(evidence_window(claim, passage), claim, label, "factcheck_gpt")
            (irrelevant if label == "not_enough_evidence" and not partial else pairs).append(pair)
        if irrelevant:
            pairs.append(rng.choice(irrelevant))
    return pairs


def factcheck_gpt_documents(data_dir: Path, split: Split) -> list[list[str]]:
    documents: list[list[str]] = []
    for _, passages, _, _ in factcheck_gpt_claims(data_dir, split):
        documents.extend(split_sentences(passage) for passage in passages[:2])
    return documents


def vitaminc_pairs(data_dir: Path, limit: int, rng: random.Random) -> list[Pair]:
    pairs: list[Pair] = []
    for part in ("real", "synthetic"):
        rows = list(read_jsonl(data_dir / "vitaminc" / part / "test.jsonl"))
        for row in rng.sample(rows, min(limit // 2, len(rows))):
            pairs.append(Pair(row["evidence"], row["claim"], FEVER_LABELS[row["label"]], f"vitaminc/{part}"))
    return pairs


def snli_pairs(data_dir: Path, limit: int, rng: random.Random) -> list[Pair]:
    root = data_dir / "snli_esnli"
    premises = (root / "s1.dev").read_text(encoding="utf-8").splitlines()
    hypotheses = (root / "s2.dev").read_text(encoding="utf-8").splitlines()
    labels = (root / "labels.dev").read_text(encoding="utf-8").splitlines()
    rows = [
        (p, h, label)
        for p, h, raw in zip(premises, hypotheses, labels, strict=False)
        if (label := nli_label(raw)) is not None
    ]
    sample = rng.sample(rows, min(limit, len(rows)))
    return [Pair(premise.strip(), hypothesis.strip(), label, "snli") for premise, hypothesis, label in sample]


def fool_me_twice_pairs(data_dir: Path) -> list[Pair]:
    """Adversarial Wikipedia claims written to fool people; only dev, since the harness reports on test."""
    pairs = iter_pairs("fool_me_twice", "dev", data_dir)
    return [
        Pair(
            " ".join(text.strip() for text in pair.evidence), pair.claim.strip(), pair.label, "fool_me_twice"
        )
        for pair in pairs
    ]


_PTB_TOKENS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "``": '"', "''": '"'}
_PTB_SPACING = re.compile(r" ([,.;:!?%)\]])|([(\[]) ")


def _untokenize(text: str) -> str:
    """FEVER evidence carries Penn Treebank tokens; the verifier reads ordinary news text."""
    for token, character in _PTB_TOKENS.items():
        text = text.replace(token, character)
    return _PTB_SPACING.sub(lambda match: match.group(1) or match.group(2), text).strip()


def _claim_key(claim: str) -> str:
    return re.sub(r"\W+", "", claim.lower())


def fever_symmetric_claims(data_dir: Path) -> set[str]:
    """FEVER-Symmetric is built from the same dev claims; the ones it holds stay out of training."""
    root = data_dir / "fever_symmetric" / "symmetric_v0.2"
    return {_claim_key(row["claim"]) for path in sorted(root.glob("*.jsonl")) for row in read_jsonl(path)}


def fever_pairs(data_dir: Path, limit: int, rng: random.Random) -> list[Pair]:
    """FEVER dev claims with their gold Wikipedia sentences: the harness's train part (by claim), less
    every claim of FEVER-Symmetric, so that neither set's reported split has been seen."""
    root = data_dir / "fever_rte_dev"
    for path in (root / name for name in ("dev.raw.input0", "dev.raw.input1", "dev.label")):
        if not path.is_file():
            raise InputError(f"data file {path} is missing: point --data-dir at the shared datasets folder")
    held_out = fever_symmetric_claims(data_dir)
    rows = [
        Pair(_untokenize(pair.evidence_text), pair.claim, pair.label, "fever")
        for pair in iter_pairs("fever_rte_dev", "train", data_dir)
        if _claim_key(pair.claim) not in held_out
    ]
    return rng.sample(rows, min(limit, len(rows)))


def xsum_documents(data_dir: Path) -> list[list[str]]:
    """BBC articles from FIB-XSum: cased news text, the closest match to what veracity checks."""
    seen: dict[str, list[str]] = {}
    for path in sorted((data_dir / "fib" / "xsum" / "fib").glob("*.jsonl")):
        for row in read_jsonl(path):
            if row["id"] not in seen:
                seen[row["id"]] = [line.strip() for line in row["input"].split("\n") if line.strip()]
    return list(seen.values())


def fib_xsum_pairs(data_dir: Path, limit: int, rng: random.Random) -> list[Pair]:
    """A consistent summary is supported; an inconsistent one is not supported, which is not refuted."""
    pairs: list[Pair] = []
    for path in sorted((data_dir / "fib" / "xsum" / "fib").glob("*.jsonl")):
        for row in read_jsonl(path):
            choices = row["list_choices"]
            if isinstance(choices, str):
                choices = ast.literal_eval(choices)
            sentences = [line.strip() for line in row["input"].split("\n") if line.strip()]
            for choice in choices:
                label: PairLabel = "supported" if choice == row["correct_choice"] else "not_enough_evidence"
                pairs.append(Pair(select_evidence(choice, sentences), choice.strip(), label, "fib_xsum"))
    return rng.sample(pairs, min(limit, len(pairs)))
