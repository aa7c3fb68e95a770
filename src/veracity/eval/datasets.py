"""Loaders that turn every data set in the shared data directory into claim/evidence pairs with 3-way labels.

Each loader streams its files, so `--limit N` on a large set (VitaminC, FNC-1) never holds the whole set.
The label mapping of every set is stated in `DatasetSpec.mapping`; "not supported" style labels (WiCE's
`not_supported`, RTE's `not_entailment`, BEGIN's "not fully attributable") become not_enough_evidence, never
refuted, because the source only says the evidence does not back the claim.

Sets without a labelled test split get a fixed split by document: the SHA-1 of "<set>:<document key>"
puts 60% of documents in train, 20% in dev and 20% in test (`hash_split`). The trainer reads the same
splits through these loaders, so no test document trains or calibrates the shipped model. Sets that ship
a train and a dev split but no labelled test (rte_glue, scifact_rte) report on their official dev split
as "test", and carve their "dev" out of train with the same hash rule.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from veracity.errors import ConfigError, InputError

GoldLabel = Literal["supported", "refuted", "not_enough_evidence"]
GOLD_LABELS: tuple[GoldLabel, ...] = ("supported", "refuted", "not_enough_evidence")
Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")

DATA_DIR_ENV = "VERACITY_DATA_DIR"
DEFAULT_DATA_DIR = Path("..") / "shared" / "datasets"

csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class Pair:
    """One claim with its gold evidence and label; `group` is the document key used for fixed splits."""

    id: str
    claim: str
    evidence: tuple[str, ...]
    label: GoldLabel
    group: str = ""

    @property
    def evidence_text(self) -> str:
        return "\n".join(self.evidence)


PairLoader = Callable[[Path, Split], Iterator[Pair]]


@dataclass(frozen=True)
class DatasetSpec:
    """A named data set: where it lives under the data directory, its splits and how its labels map."""

    name: str
    folder: str
    splits: tuple[Split, ...]
    mapping: str
    loader: PairLoader
    trainable: bool = True  # the licence allows training a shipped model on it


def resolve_data_dir(data_dir: Path | str | None = None) -> Path:
    """The data directory: the argument, else $VERACITY_DATA_DIR, else ../shared/datasets."""
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR


def hash_split(dataset: str, key: str) -> Split:
    """A fixed 60/20/20 train/dev/test split by document key, stable across machines and Python versions."""
    bucket = int(hashlib.sha1(f"{dataset}:{key}".encode()).hexdigest(), 16) % 100
    if bucket < 60:
        return "train"
    return "dev" if bucket < 80 else "test"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _read_tsv(path: Path, *, header: bool = True, encoding: str = "utf-8") -> Iterator[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if header:
            next(reader, None)
        yield from reader


def _read_csv(path: Path, *, encoding: str = "utf-8") -> Iterator[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.DictReader(handle)


def nli_label(label: str) -> GoldLabel | None:
    """The NLI convention shared by most sets: entailment / contradiction / neutral."""
    return {
        "e": "supported",
        "entailment": "supported",
        "c": "refuted",
        "contradiction": "refuted",
        "n": "not_enough_evidence",
        "neutral": "not_enough_evidence",
    }.get(label.strip().lower())  # type: ignore[return-value]


FEVER_LABELS: dict[str, GoldLabel] = {
    "SUPPORTS": "supported",
    "REFUTES": "refuted",
    "NOT ENOUGH INFO": "not_enough_evidence",
}


# --- the three sets the issue names -----------------------------------------------------------------------


def wice_label(label: str) -> GoldLabel:
    return "supported" if label == "supported" else "not_enough_evidence"


def _load_wice(root: Path, split: Split) -> Iterator[Pair]:
    for record in read_jsonl(root / "entailment_retrieval" / "claim" / f"{split}.jsonl"):
        claim_id = record["meta"]["id"]
        yield Pair(
            claim_id, record["claim"], tuple(record["evidence"]), wice_label(record["label"]), claim_id
        )


def _load_wice_oracle(root: Path, split: Split) -> Iterator[Pair]:
    """One pair per claim whose evidence is its oracle chunks, so aggregating over chunks takes the max."""
    current: list[dict[str, Any]] = []
    for record in read_jsonl(root / "oracle_chunks" / "claim" / f"{split}.jsonl"):
        if current and record["meta"]["id"] != current[0]["meta"]["id"]:
            yield _wice_oracle_pair(current)
            current = []
        current.append(record)
    if current:
        yield _wice_oracle_pair(current)


def _wice_oracle_pair(rows: list[dict[str, Any]]) -> Pair:
    first = rows[0]
    chunks = tuple(" ".join(row["evidence"]) for row in rows)
    claim_id = first["meta"]["id"]
    return Pair(claim_id, first["claim"], chunks, wice_label(first["label"]), claim_id)


CHECK_COVID_LABELS: dict[str, GoldLabel] = {
    "SUPPORT": "supported",
    "REFUTE": "refuted",
    "NOTENOUGHINFO": "not_enough_evidence",
}


def load_check_covid_corpus(root: Path) -> dict[str, dict[str, Any]]:
    return {row["cord_id"]: row for row in read_jsonl(root / "corpus.json")}


def check_covid_files(root: Path, split: Split) -> list[Path]:
    if split == "test":
        return [
            root / "test" / "covidCheck_test_composed.json",
            root / "test" / "covidCheck_test_extracted.json",
        ]
    return [root / split / f"covidCheck_{split}_composed+extracted.json"]


def _load_check_covid(root: Path, split: Split) -> Iterator[Pair]:
    corpus = load_check_covid_corpus(root)
    for path in check_covid_files(root, split):
        for record in read_jsonl(path):
            abstract = corpus[record["cord_id"]]["abstract"]
            indices = sorted({item["sent_index"] for item in record["evidence_set"]})
            evidence = tuple(abstract[i] for i in indices if i < len(abstract)) or tuple(abstract)
            label = CHECK_COVID_LABELS[record["label"]]
            yield Pair(record["id"], record["claim"], evidence, label, record["cord_id"])


def _factcheck_label(value: object) -> GoldLabel:
    if value is True:
        return "supported"
    if value is False:
        return "refuted"
    return "not_enough_evidence"


def iter_factcheck_documents(root: Path, split: Split) -> Iterator[tuple[str, dict[str, Any]]]:
    """Factcheck-GPT documents of one fixed split, keyed by the SHA-1 of their prompt (training shares it)."""
    for record in read_jsonl(root / "factcheck-GPT-benchmark.jsonl"):
        doc_key = hashlib.sha1(record["prompt"].encode()).hexdigest()[:12]
        if hash_split("factcheck_gpt", doc_key) == split:
            yield doc_key, record


def _load_factcheck_gpt(root: Path, split: Split) -> Iterator[Pair]:
    for doc_key, record in iter_factcheck_documents(root, split):
        for sentence_key, sentence in record["sentences"].items():
            evidence_lists = sentence.get("auto_evidence") or []
            for index, claim in enumerate(sentence.get("claims") or []):
                labels = sentence.get("claims_factuality_label") or []
                if index >= len(labels) or index >= len(evidence_lists):
                    continue
                yield Pair(
                    f"{doc_key}/{sentence_key}/{index}",
                    claim,
                    tuple(evidence_lists[index]),
                    _factcheck_label(labels[index]),
                    doc_key,
                )


AVERITEC_LABELS: dict[str, GoldLabel] = {
    "Supported": "supported",
    "Refuted": "refuted",
    "Not Enough Evidence": "not_enough_evidence",
    "Conflicting Evidence/Cherrypicking": "not_enough_evidence",
}


def averitec_evidence(record: dict[str, Any]) -> list[str]:
    """Each gold answer as "question answer": the QA pairs are the annotators' evidence text."""
    texts = []
    for question in record.get("questions") or []:
        for answer in question.get("answers") or []:
            text = answer.get("answer", "").strip()
            if answer.get("boolean_explanation"):
                text = f"{text}. {answer['boolean_explanation'].strip()}"
            if text:
                texts.append(f"{question['question'].strip()} {text}")
    return texts


def iter_averitec(root: Path, split: Split) -> Iterator[tuple[str, dict[str, Any]]]:
    with (root / "dev.json").open(encoding="utf-8") as handle:
        records = json.load(handle)
    for index, record in enumerate(records):
        key = f"averitec-{index}"
        if hash_split("averitec", key) == split:
            yield key, record


def _load_averitec(root: Path, split: Split) -> Iterator[Pair]:
    for key, record in iter_averitec(root, split):
        yield Pair(
            key, record["claim"], tuple(averitec_evidence(record)), AVERITEC_LABELS[record["label"]], key
        )


# --- the other sets ---------------------------------------------------------------------------------------


def _hashed(dataset: str, split: Split, pairs: Iterable[Pair]) -> Iterator[Pair]:
    return (pair for pair in pairs if hash_split(dataset, pair.group) == split)


def _load_anli(root: Path, split: Split) -> Iterator[Pair]:
    for round_name in ("R1", "R2", "R3"):
        for record in read_jsonl(root / round_name / f"{split}.jsonl"):
            label = nli_label(record["label"])
            if label:
                yield Pair(
                    record["uid"], record["hypothesis"], (record["context"],), label, record["context"]
                )


def _load_begin(root: Path, split: Split) -> Iterator[Pair]:
    files = {
        "dev": ["wow/begin_dev_wow.tsv", "cmu-dog/begin_dev_cmu.tsv", "topicalchat/begin_dev_tc.tsv"],
        "test": ["wow/begin_test_wow.tsv"],
    }[split]
    labels: dict[str, GoldLabel] = {
        "Fully attributable": "supported",
        "Not fully attributable": "not_enough_evidence",
    }
    for name in files:
        for number, row in enumerate(_read_tsv(root / name)):
            if len(row) < 6 or row[5].strip() not in labels:
                continue
            knowledge, response = row[2], row[4]
            yield Pair(f"{name}:{number}", response, (knowledge,), labels[row[5].strip()], knowledge)


def _load_breaking_nli(root: Path, split: Split) -> Iterator[Pair]:
    def pairs() -> Iterator[Pair]:
        for record in read_jsonl(root / "dataset.jsonl"):
            label = nli_label(record["gold_label"])
            if label:
                premise = record["sentence1"]
                yield Pair(str(record["pairID"]), record["sentence2"], (premise,), label, premise)

    return _hashed("breaking_nli", split, pairs())


def _load_cad_snli(root: Path, split: Split) -> Iterator[Pair]:
    for number, row in enumerate(_read_tsv(root / "all_combined" / f"{split}.tsv")):
        label = nli_label(row[2]) if len(row) >= 3 else None
        if label:
            yield Pair(f"cad-{split}-{number}", row[1], (row[0],), label, row[0])


def _load_control_nli(root: Path, split: Split) -> Iterator[Pair]:
    for record in read_jsonl(root / f"{split}.jsonl"):
        label = nli_label(record["label"])
        if label:
            yield Pair(record["uid"], record["hypothesis"], (record["premise"],), label, record["premise"])


def _rte_rows(path: Path, prefix: str) -> Iterator[Pair]:
    """GLUE-RTE TSV: index, premise, hypothesis, label (read by position: header spellings vary)."""
    labels: dict[str, GoldLabel] = {"entailment": "supported", "not_entailment": "refuted"}
    for row in _read_tsv(path):
        if len(row) >= 4 and row[3].strip() in labels:
            yield Pair(f"{prefix}-{row[0]}", row[2], (row[1],), labels[row[3].strip()], row[1])


def _load_covidfact(root: Path, split: Split) -> Iterator[Pair]:
    name = {"train": "train.tsv", "dev": "dev.tsv", "test": "test1.tsv"}[split]
    yield from _rte_rows(root / "RTE-covidfact" / name, f"covidfact-{split}")


def _load_rte_like(dataset: str, not_entailed: GoldLabel) -> PairLoader:
    def load(root: Path, split: Split) -> Iterator[Pair]:
        if split == "test":
            pairs = _rte_rows(root / "dev.tsv", f"{dataset}-dev")
        else:
            pairs = (
                p
                for p in _rte_rows(root / "train.tsv", f"{dataset}-train")
                if _train_or_dev(dataset, p, split)
            )
        for pair in pairs:
            yield (
                pair
                if pair.label == "supported"
                else Pair(pair.id, pair.claim, pair.evidence, not_entailed, pair.group)
            )

    return load


def _train_or_dev(dataset: str, pair: Pair, split: Split) -> bool:
    """Carves dev out of a train file: the hash split's dev bucket is dev, every other bucket is train."""
    is_dev = hash_split(dataset, pair.group) == "dev"
    return is_dev if split == "dev" else not is_dev


def _load_fever2_adversarial(root: Path, split: Split) -> Iterator[Pair]:
    def pairs() -> Iterator[Pair]:
        for record in read_jsonl(root / "test.jsonl"):
            label = FEVER_LABELS.get(record["label"])
            if label:
                yield Pair(str(record["id"]), record["claim"], (record["evidence"],), label, record["page"])

    return _hashed("fever2_adversarial", split, pairs())


def _load_fever_rte_dev(root: Path, split: Split) -> Iterator[Pair]:
    labels: dict[str, GoldLabel] = {"entailment": "supported", "not_entailment": "refuted"}

    def pairs() -> Iterator[Pair]:
        with (
            (root / "dev.raw.input0").open(encoding="utf-8") as evidence_file,
            (root / "dev.raw.input1").open(encoding="utf-8") as claim_file,
            (root / "dev.label").open(encoding="utf-8") as label_file,
        ):
            for number, (evidence, claim, label) in enumerate(
                zip(evidence_file, claim_file, label_file, strict=True)
            ):
                gold = labels.get(label.strip())
                if gold:
                    yield Pair(f"fever-rte-{number}", claim.strip(), (evidence.strip(),), gold, claim.strip())

    return _hashed("fever_rte_dev", split, pairs())


def _load_fever_symmetric(root: Path, split: Split) -> Iterator[Pair]:
    for record in read_jsonl(root / "symmetric_v0.2" / f"fever_symmetric_{split}.jsonl"):
        label = FEVER_LABELS.get(record["label"])
        if label:
            yield Pair(str(record["id"]), record["claim"], (record["evidence"],), label, record["claim"])


def _load_fib(root: Path, split: Split) -> Iterator[Pair]:
    """Every (document, summary) pair once: the consistent summary supported, each distractor refuted."""
    seen: set[tuple[str, str]] = set()
    for path in sorted(root.glob("*/*/binary_choice-*.jsonl")):
        corpus = path.parts[-3]
        for record in read_jsonl(path):
            doc_key = f"{corpus}-{record['id']}"
            if hash_split("fib", doc_key) != split:
                continue
            for index, summary in enumerate(record["list_choices"]):
                if (doc_key, summary) in seen:
                    continue
                seen.add((doc_key, summary))
                label: GoldLabel = "supported" if index == record["lbl"] else "refuted"
                yield Pair(f"{doc_key}-{len(seen)}", summary, (record["input"],), label, doc_key)


def _load_fnc1(root: Path, split: Split) -> Iterator[Pair]:
    bodies = {row["Body ID"]: row["articleBody"] for row in _read_csv(root / "competition_test_bodies.csv")}
    labels: dict[str, GoldLabel] = {
        "agree": "supported",
        "disagree": "refuted",
        "discuss": "not_enough_evidence",
        "unrelated": "not_enough_evidence",
    }
    for number, row in enumerate(_read_csv(root / "competition_test_stances.csv")):
        body_id = row["Body ID"]
        if hash_split("fnc1", body_id) == split and row["Stance"] in labels and body_id in bodies:
            yield Pair(f"fnc1-{number}", row["Headline"], (bodies[body_id],), labels[row["Stance"]], body_id)


def _load_fool_me_twice(root: Path, split: Split) -> Iterator[Pair]:
    for record in read_jsonl(root / f"{split}.jsonl"):
        label = FEVER_LABELS.get(record["label"])
        evidence = tuple(item["text"] for item in record["gold_evidence"])
        if label and evidence:
            yield Pair(record["id"], record["text"], evidence, label, record["wikipedia_page"])


def _load_healthfc(root: Path, split: Split) -> Iterator[Pair]:
    labels: dict[str, GoldLabel] = {"0": "supported", "1": "not_enough_evidence", "2": "refuted"}
    for number, row in enumerate(_read_csv(root / "Datensatz.csv", encoding="utf-8-sig")):
        key = row.get("url") or str(number)
        if (
            hash_split("healthfc", key) == split
            and row["label"] in labels
            and row["en_top_sentences"].strip()
        ):
            yield Pair(
                f"healthfc-{number}", row["en_claim"], (row["en_top_sentences"],), labels[row["label"]], key
            )


def _load_healthver(root: Path, split: Split) -> Iterator[Pair]:
    labels: dict[str, GoldLabel] = {
        "Supports": "supported",
        "Refutes": "refuted",
        "Neutral": "not_enough_evidence",
    }
    for row in _read_csv(root / f"healthver_{split}.csv"):
        if row["label"] in labels:
            yield Pair(
                f"healthver-{row['id']}", row["claim"], (row["evidence"],), labels[row["label"]], row["claim"]
            )


def _load_mnli_dev_matched(root: Path, split: Split) -> Iterator[Pair]:
    def pairs() -> Iterator[Pair]:
        for row in _read_tsv(root / "mnli_development_set_number_of_correct_responses.txt"):
            label = nli_label(row[3]) if len(row) >= 4 else None
            if label:
                yield Pair(f"mnli-{row[0]}", row[2].strip(), (row[1].strip(),), label, row[1])

    return _hashed("mnli_dev_matched", split, pairs())


def _load_qags(root: Path, split: Split) -> Iterator[Pair]:
    """Majority vote of the three workers; "no" means not supported by the article, so not_enough_evidence."""
    for corpus in ("cnndm", "xsum"):
        for number, record in enumerate(read_jsonl(root / f"mturk_{corpus}.jsonl")):
            doc_key = f"{corpus}-{number}"
            if hash_split("qags", doc_key) != split:
                continue
            for index, summary in enumerate(record["summary_sentences"]):
                votes = [r["response"] for r in summary["responses"]]
                label: GoldLabel = (
                    "supported" if votes.count("yes") > len(votes) / 2 else "not_enough_evidence"
                )
                yield Pair(f"{doc_key}-{index}", summary["sentence"], (record["article"],), label, doc_key)


def _load_sick(root: Path, split: Split) -> Iterator[Pair]:
    name = {"train": "SICK_train.txt", "dev": "SICK_trial.txt", "test": "SICK_test_annotated.txt"}[split]
    for row in _read_tsv(root / name):
        label = nli_label(row[4]) if len(row) >= 5 else None
        if label:
            yield Pair(f"sick-{row[0]}", row[2], (row[1],), label, row[1])


def _load_snli_esnli(root: Path, split: Split) -> Iterator[Pair]:
    with (
        (root / f"s1.{split}").open(encoding="utf-8") as premises,
        (root / f"s2.{split}").open(encoding="utf-8") as hypotheses,
        (root / f"labels.{split}").open(encoding="utf-8") as labels,
    ):
        for number, (premise, hypothesis, label) in enumerate(zip(premises, hypotheses, labels, strict=True)):
            gold = nli_label(label)
            if gold:
                yield Pair(
                    f"snli-{split}-{number}", hypothesis.strip(), (premise.strip(),), gold, premise.strip()
                )


def _load_taxinli(root: Path, split: Split) -> Iterator[Pair]:
    def pairs() -> Iterator[Pair]:
        for row in _read_tsv(root / "taxinli10k.tsv"):
            label = nli_label(row[2]) if len(row) >= 3 else None
            if label:
                yield Pair(f"taxinli-{row[-2]}", row[1], (row[0],), label, row[0])

    return _hashed("taxinli", split, pairs())


def _load_vitaminc(root: Path, split: Split) -> Iterator[Pair]:
    """Real and synthetic test files, split by `case_id` so contrastive twins stay together."""
    for part in ("real", "synthetic"):
        for record in read_jsonl(root / part / "test.jsonl"):
            label = FEVER_LABELS.get(record["label"])
            if label and hash_split("vitaminc", record["case_id"]) == split:
                yield Pair(
                    record["unique_id"], record["claim"], (record["evidence"],), label, record["case_id"]
                )


_HASHED = ("train", "dev", "test")
_NLI_MAP = "entailment -> supported, contradiction -> refuted, neutral -> not_enough_evidence"
_FEVER_MAP = "SUPPORTS -> supported, REFUTES -> refuted (no NEI class)"


def _spec(
    name: str,
    splits: tuple[str, ...],
    mapping: str,
    loader: PairLoader,
    *,
    folder: str = "",
    trainable: bool = True,
) -> DatasetSpec:
    return DatasetSpec(name, folder or name, splits, mapping, loader, trainable)  # type: ignore[arg-type]


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "wice",
            ("dev", "test"),
            "supported -> supported; partially_supported and not_supported -> not_enough_evidence "
            "(the cited page does not back the whole claim; nothing is refuted); "
            "evidence = every page sentence",
            _load_wice,
        ),
        _spec(
            "wice_oracle",
            ("dev", "test"),
            "as wice; evidence = the claim's oracle chunks (gold sentences plus distractors), one chunk each",
            _load_wice_oracle,
            folder="wice",
        ),
        _spec(
            "check_covid",
            ("train", "dev", "test"),
            "SUPPORT -> supported, REFUTE -> refuted, NOTENOUGHINFO -> not_enough_evidence; "
            "test = composed + extracted; evidence = the annotated abstract sentences",
            _load_check_covid,
        ),
        _spec(
            "factcheck_gpt",
            _HASHED,
            "claim label true -> supported, false -> refuted, unknown -> not_enough_evidence; "
            "evidence = the 5 retrieved web passages per claim; fixed 60/20/20 split by document (prompt)",
            _load_factcheck_gpt,
        ),
        _spec(
            "averitec",
            _HASHED,
            "Supported -> supported, Refuted -> refuted, Not Enough Evidence and Conflicting "
            "Evidence/Cherrypicking -> not_enough_evidence (the evidence decides neither way); "
            "evidence = gold question-answer pairs; fixed 60/20/20 split of the dev file by claim",
            _load_averitec,
            folder="averitec_dev",
            trainable=False,
        ),
        _spec("anli", ("dev", "test"), _NLI_MAP + "; rounds R1-R3 together", _load_anli, trainable=False),
        _spec(
            "begin",
            ("dev", "test"),
            "Fully attributable -> supported, Not fully attributable -> not_enough_evidence, Generic dropped",
            _load_begin,
        ),
        _spec("breaking_nli", _HASHED, _NLI_MAP + "; fixed split by premise", _load_breaking_nli),
        _spec("cad_snli", ("train", "dev", "test"), _NLI_MAP, _load_cad_snli),
        _spec("control_nli", ("dev", "test"), _NLI_MAP, _load_control_nli),
        _spec(
            "covidfact",
            ("train", "dev", "test"),
            "entailment -> supported, not_entailment -> refuted (counter-claims); test = test1.tsv",
            _load_covidfact,
            trainable=False,
        ),
        _spec("fever2_adversarial", _HASHED, _FEVER_MAP + "; fixed split by page", _load_fever2_adversarial),
        _spec("fever_rte_dev", _HASHED, _FEVER_MAP + "; fixed split by claim", _load_fever_rte_dev),
        _spec("fever_symmetric", ("dev", "test"), _FEVER_MAP, _load_fever_symmetric),
        _spec(
            "fib",
            _HASHED,
            "consistent summary -> supported, inconsistent summary -> refuted; evidence = the article; "
            "fixed split by document",
            _load_fib,
        ),
        _spec(
            "fnc1",
            _HASHED,
            "agree -> supported, disagree -> refuted, discuss and unrelated -> not_enough_evidence; "
            "fixed split by body",
            _load_fnc1,
            trainable=False,
        ),
        _spec(
            "fool_me_twice", ("dev", "test"), _FEVER_MAP + "; evidence = gold sentences", _load_fool_me_twice
        ),
        _spec(
            "healthfc",
            _HASHED,
            "0 -> supported, 1 -> not_enough_evidence, 2 -> refuted; evidence = en_top_sentences",
            _load_healthfc,
            trainable=False,
        ),
        _spec(
            "healthver",
            ("dev", "test"),
            "Supports -> supported, Refutes -> refuted, Neutral -> not_enough_evidence",
            _load_healthver,
            trainable=False,
        ),
        _spec("mnli_dev_matched", _HASHED, _NLI_MAP + "; fixed split by premise", _load_mnli_dev_matched),
        _spec(
            "qags",
            _HASHED,
            "majority yes -> supported, majority no -> not_enough_evidence; fixed split by article",
            _load_qags,
            trainable=False,
        ),
        _spec(
            "rte_glue",
            ("train", "dev", "test"),
            "entailment -> supported, not_entailment -> not_enough_evidence; test = official dev",
            _load_rte_like("rte_glue", "not_enough_evidence"),
            trainable=False,
        ),
        _spec(
            "scifact_rte",
            ("train", "dev", "test"),
            "entailment -> supported, not_entailment (SciFact CONTRADICT) -> refuted; test = official dev",
            _load_rte_like("scifact_rte", "refuted"),
            trainable=False,
        ),
        _spec("sick", ("train", "dev", "test"), _NLI_MAP + "; dev = trial", _load_sick, trainable=False),
        _spec("snli_esnli", ("dev", "test"), _NLI_MAP, _load_snli_esnli),
        _spec("taxinli", _HASHED, _NLI_MAP + "; fixed split by premise", _load_taxinli),
        _spec(
            "vitaminc",
            _HASHED,
            "SUPPORTS -> supported, REFUTES -> refuted, NOT ENOUGH INFO -> not_enough_evidence; "
            "real + synthetic test files, fixed split by case_id",
            _load_vitaminc,
        ),
    )
}


def dataset_spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise ConfigError(f"unknown data set {name!r} (known: {known})") from None


def dataset_root(name: str, data_dir: Path | str | None = None) -> Path:
    """The folder of a data set, or a one-line error naming the data directory that lacks it."""
    spec = dataset_spec(name)
    root = resolve_data_dir(data_dir) / spec.folder
    if not root.is_dir():
        raise InputError(f"data set {name!r} not found at {root} (pass --data-dir or set ${DATA_DIR_ENV})")
    return root


def iter_pairs(name: str, split: str, data_dir: Path | str | None = None) -> Iterator[Pair]:
    """Streams the pairs of one split of a named data set."""
    spec = dataset_spec(name)
    split = check_split(split)
    if split not in spec.splits:
        raise ConfigError(f"data set {name!r} has no {split!r} split (it has: {', '.join(spec.splits)})")
    return spec.loader(dataset_root(name, data_dir), split)


def check_split(split: str) -> Split:
    for known in SPLITS:
        if split == known:
            return known
    raise ConfigError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")


def sample(items: Iterable[Pair], limit: int | None, seed: int = 13) -> list[Pair]:
    """A deterministic uniform sample of at most `limit` items in source order, in O(limit) memory."""
    if limit is None:
        return list(items)
    if limit <= 0:
        raise InputError(f"--limit must be positive, got {limit}")
    rng = random.Random(seed)
    reservoir: list[tuple[int, Pair]] = []
    for index, item in enumerate(items):
        if index < limit:
            reservoir.append((index, item))
        else:
            slot = rng.randint(0, index)
            if slot < limit:
                reservoir[slot] = (index, item)
    return [item for _, item in sorted(reservoir, key=lambda entry: entry[0])]


def load_pairs(
    name: str, split: str, data_dir: Path | str | None = None, *, limit: int | None = None, seed: int = 13
) -> list[Pair]:
    return sample(iter_pairs(name, split, data_dir), limit, seed)


def read_pairs_file(path: Path | str, *, limit: int | None = None, seed: int = 13) -> list[Pair]:
    """Reads the generic JSONL form `{"id", "claim", "evidence": str | [str], "label"}`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"pairs file not found: {path}")
    return sample(_iter_pairs_file(path), limit, seed)


def _iter_pairs_file(path: Path) -> Iterator[Pair]:
    for number, record in iter_json_lines(path):
        yield _pair_from_record(record, f"{path}:{number}")


def iter_json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) of each non-blank line of a JSONL file; a line that is not JSON is an
    InputError that names it."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None


def claim_and_evidence(record: object, where: str) -> tuple[dict[str, Any], str, tuple[str, ...]]:
    """The record, its `claim` and its `evidence` (a string or a list of strings) of one line of the generic
    pairs form, checked; `where` ("file:line") starts every message."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object")
    claim, evidence = record.get("claim"), record.get("evidence")
    if not isinstance(claim, str) or not claim.strip():
        raise InputError(f"{where}: 'claim' must be a non-empty string")
    if isinstance(evidence, str):
        evidence = [evidence]
    if not isinstance(evidence, list) or not all(isinstance(item, str) for item in evidence):
        raise InputError(f"{where}: 'evidence' must be a string or a list of strings")
    return record, claim, tuple(evidence)


def _pair_from_record(record: object, where: str) -> Pair:
    checked, claim, evidence = claim_and_evidence(record, where)
    label = checked.get("label")
    if label not in GOLD_LABELS:
        raise InputError(f"{where}: 'label' must be one of {', '.join(GOLD_LABELS)}, got {label!r}")
    pair_id = str(checked.get("id", where))
    return Pair(pair_id, claim, evidence, label, str(checked.get("group", pair_id)))
