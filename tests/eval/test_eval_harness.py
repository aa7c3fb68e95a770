"""The harness on a generic pairs file: chunking, aggregation, metrics and the printed table / JSON lines."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import veracity.eval.harness as harness
from veracity.errors import ConfigError
from veracity.eval import eval_command, run_eval
from veracity.verify.base import EvidencePair, PairJudgement, PairVerifier, SetJudgement


class KeywordJudge:
    """Supports when the evidence chunk contains the claim's last word, refutes on "not"."""

    name = "keyword"

    def __init__(self) -> None:
        self.seen: list[EvidencePair] = []

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        self.seen.extend(pairs)
        out = []
        for pair in pairs:
            word = pair.claim.split()[-1]
            if f"not {word}" in pair.evidence:
                out.append(PairJudgement.from_scores(0.0, 0.9, "negated"))
            elif word in pair.evidence:
                out.append(PairJudgement.from_scores(0.9, 0.0, "found"))
            else:
                out.append(PairJudgement.from_scores(0.1, 0.1, "absent"))
        return out


class CountingSetJudge(KeywordJudge):
    """Decides per claim: supported when at least two chunks contain the claim's last word."""

    name = "counting"
    judges_sets = True

    def __init__(self) -> None:
        super().__init__()
        self.sets: list[list[EvidencePair]] = []

    def judge_sets(self, sets: Sequence[Sequence[EvidencePair]]) -> list[SetJudgement]:
        judged = []
        for pairs in sets:
            self.sets.append(list(pairs))
            found = sum(pair.claim.split()[-1] in pair.evidence for pair in pairs)
            claim = PairJudgement.from_scores(0.9 if found >= 2 else 0.0, 0.0, f"{found} chunks")
            judged.append(SetJudgement(claim, self.judge_many(pairs), 0))
        return judged


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    filler = " ".join(["filler"] * 400)
    rows = [
        {"id": "1", "claim": "the sky is blue", "evidence": [filler, "we saw blue"], "label": "supported"},
        {"id": "2", "claim": "the sea is green", "evidence": "the sea is not green", "label": "refuted"},
        {"id": "3", "claim": "the cat is black", "evidence": filler, "label": "not_enough_evidence"},
        {"id": "4", "claim": "the dog is brown", "evidence": "nothing here", "label": "supported"},
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def judge(monkeypatch: pytest.MonkeyPatch) -> KeywordJudge:
    keyword = KeywordJudge()
    monkeypatch.setattr(harness, "build_verifier", lambda name, resources, **options: PairVerifier(keyword))
    return keyword


def test_pairs_file_is_chunked_aggregated_and_scored(pairs_file: Path, judge: KeywordJudge) -> None:
    [result] = run_eval("keyword", pairs_file=pairs_file, chunk_words=100)
    assert result.dataset == "mine" and result.n == 4
    assert max(len(pair.evidence.split()) for pair in judge.seen) <= 100
    assert len(judge.seen) > 4
    # predictions: supported, refuted, nei, nei -> supported recall 1/2, not-supported recall 2/2
    assert result.balanced_accuracy == pytest.approx(0.75)
    assert result.macro_f1 == pytest.approx((2 / 3 + 1.0 + 2 / 3) / 3)


def test_progress_counts_each_data_sets_chunks_up_to_their_total(
    pairs_file: Path, judge: KeywordJudge
) -> None:
    calls: list[tuple[str, str, int, int]] = []

    def factory(name: str, unit: str) -> harness.ProgressCallback:
        return lambda done, total: calls.append((name, unit, done, total))

    run_eval("keyword", pairs_file=pairs_file, chunk_words=100, progress=factory)
    assert calls and {(name, unit) for name, unit, _, _ in calls} == {("mine", "chunk")}
    done = [count for _, _, count, _ in calls]
    assert done == sorted(done) and done[-1] == calls[-1][3] == len(judge.seen)


def test_a_set_judge_gets_each_claims_chunks_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingSetJudge()
    monkeypatch.setattr(harness, "build_verifier", lambda name, resources, **options: PairVerifier(counting))
    filler = " ".join(["filler"] * 120)
    rows = [
        {
            "id": "1",
            "claim": "it is blue",
            "evidence": [f"blue {filler}", f"blue {filler}"],
            "label": "supported",
        },
        {
            "id": "2",
            "claim": "it is red",
            "evidence": [f"red {filler}", filler],
            "label": "not_enough_evidence",
        },
    ]
    path = tmp_path / "sets.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    [result] = run_eval("counting", pairs_file=path, chunk_words=130)
    assert [len(pairs) for pairs in counting.sets] == [2, 2]
    assert {pair.claim for pair in counting.sets[1]} == {"it is red"}
    assert result.balanced_accuracy == pytest.approx(1.0)  # a max over chunks would call claim 2 supported


def test_json_lines_carry_the_documented_keys(pairs_file: Path, judge: KeywordJudge) -> None:
    out = io.StringIO()
    eval_command(verifier="keyword", pairs=pairs_file, as_json=True, out=out)
    record = json.loads(out.getvalue().splitlines()[0])
    assert set(record) == {
        "dataset",
        "split",
        "verifier",
        "n",
        "balanced_accuracy",
        "macro_f1",
        "pairs_per_second",
        "confusion",
    }
    assert 0.0 <= record["balanced_accuracy"] <= 1.0
    assert sum(sum(row.values()) for row in record["confusion"].values()) == record["n"]
    table = io.StringIO()
    eval_command(verifier="keyword", pairs=pairs_file, out=table)
    assert "| mine | file | keyword | 4 | 0.750 |" in table.getvalue()


def test_bad_task_dataset_and_options_are_config_or_input_errors(judge: KeywordJudge) -> None:
    with pytest.raises(ConfigError, match="unknown task"):
        run_eval("keyword", "wice", task="nope")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown data set"):
        run_eval("keyword", "no_such_set")
    with pytest.raises(ConfigError, match="--dataset"):
        run_eval("keyword")


DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "datasets"


@pytest.mark.slow
@pytest.mark.skipif(not DATA_DIR.is_dir(), reason="shared data sets not present at ../shared/datasets")
def test_end_to_end_and_claims_tasks_on_real_data() -> None:
    calls: list[tuple[str, str, int, int]] = []
    [e2e] = run_eval(
        "embed-threshold",
        "check_covid",
        "test",
        "end-to-end",
        DATA_DIR,
        limit=8,
        top_k=4,
        progress=lambda name, unit: lambda done, total: calls.append((name, unit, done, total)),
    )
    assert e2e.task == "end-to-end" and e2e.n == 8
    indexing = [call for call in calls if call[1] == "document"]
    assert indexing and indexing[0][0] == "indexing check_covid" and indexing[-1][2] == indexing[-1][3]
    assert calls[len(indexing) :] == [("check_covid", "claim", done, 8) for done in range(1, 9)]
    assert 0.0 <= e2e.metrics["recall_at_4"] <= 1.0
    assert 0.0 <= e2e.metrics["label_accuracy"] <= 1.0
    [claims] = run_eval("embed-threshold", task="claims", data_dir=DATA_DIR, limit=2)
    assert claims.metrics["gold_claims"] > 0
    assert 0.0 <= claims.metrics["gold_covered"] <= 1.0
