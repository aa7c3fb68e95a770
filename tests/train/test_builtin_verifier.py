"""The shipped builtin verifier on a few hand-made pairs (slow: loads the int8 model and spaCy)."""

from __future__ import annotations

import numpy as np
import pytest

import veracity.verify.builtin as builtin
from veracity.errors import ConfigError
from veracity.resources import Resources
from veracity.verify import VERIFIERS
from veracity.verify.base import EvidencePair, SetJudgement
from veracity.verify.builtin import (
    MODEL_FILE,
    BuiltinJudge,
    Calibration,
    create_builtin,
    default_model_dir,
    passage_count,
)
from veracity.verify.decision import DECISION_FILE, FEATURES, DecisionHead, log_odds

pytestmark = pytest.mark.slow

needs_model = pytest.mark.skipif(
    not (default_model_dir() / MODEL_FILE).is_file(),
    reason="the trained verifier is not in src/veracity/models/ (run `veracity train` and copy it there)",
)


@pytest.fixture(scope="module")
def verifier():
    return create_builtin(Resources())


@needs_model
def test_judgements_are_probabilities_with_reasons(verifier) -> None:
    judgements = verifier.judge_many(
        [
            ("Israel sent a delegation to the talks in Doha.", "Israel sent a delegation to the Doha talks."),
            ("The strike killed 93 people.", "The strike on the school killed about 93 people on Saturday."),
        ]
    )
    assert len(judgements) == 2
    for judgement in judgements:
        assert sum(judgement.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert judgement.reason.startswith("model:")


@needs_model
def test_supported_outscores_a_changed_number_and_an_unrelated_passage(verifier) -> None:
    evidence = "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on Saturday."
    same = verifier.judge("An Israeli strike on a school in Gaza City killed about 93 people.", evidence)
    changed = verifier.judge("An Israeli strike on a school in Gaza City killed 2,300 people.", evidence)
    unrelated = verifier.judge("Qatar and Egypt hosted the ceasefire talks.", evidence)
    assert same.supported > changed.supported
    assert same.supported > unrelated.supported


@needs_model
def test_a_pair_scores_the_same_alone_and_among_others(verifier) -> None:
    """Dynamic quantisation scales activations per input tensor: batching would let neighbours move logits."""
    encoder = verifier.pair_judge.encoder
    target = ("The strike on the school killed about 93 people on Saturday.", "The strike killed 92 people.")
    neighbours = [
        ("A very long passage about harvests, " * 20, "Farmers harvested more wheat."),
        ("Short.", "Prices rose 4 percent in May."),
    ]
    alone = encoder.logits([target])[0]
    among = encoder.logits([neighbours[0], target, neighbours[1]])[1]
    assert alone.tolist() == among.tolist()


@needs_model
def test_pairs_judged_in_groups_get_the_judgements_they_get_alone(monkeypatch) -> None:
    """The slot parses of one group run while the next is scored; the grouping must not show."""
    judge = BuiltinJudge(Resources())
    evidence = "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on Saturday."
    claims = [
        "An Israeli strike on the al-Tabi'in school killed about 93 people.",
        "An Israeli strike on the Al-Mawasi school killed 92 people.",
        "Hamas took part in the Doha talks.",
        "The strike on the al-Tabi'in school happened on Saturday.",
        "An Israeli strike on a school in Gaza City killed about 93 people.",
    ]
    pairs = [EvidencePair(claim, evidence) for claim in claims]
    alone = [judge.judge_many([pair])[0] for pair in pairs]
    judge.slots.clear()
    monkeypatch.setattr(builtin, "PREFETCH_PAIRS", 2)
    assert judge.judge_many(pairs) == alone
    assert any("place differs" in judged.reason for judged in alone)


@needs_model
def test_long_evidence_is_cut_to_the_relevant_window(verifier) -> None:
    filler = " ".join(f"Paragraph {i} is about the weather in Oslo." for i in range(80))
    evidence = filler + " Hamas did not take part in the Doha talks on 15 August 2024. " + filler
    judgement = verifier.judge("Hamas took part in the Doha talks.", evidence)
    assert judgement.supported < 0.5


def test_missing_model_file_is_a_config_error(tmp_path) -> None:
    judge = BuiltinJudge(Resources(), model_dir=tmp_path, use_slots=False)
    with pytest.raises(ConfigError, match="missing"):
        judge.judge_many([EvidencePair("a claim", "some evidence")])


def test_model_dir_given_as_text_names_a_candidate_model(tmp_path) -> None:
    Calibration(bias=(0.1, 0.0, 0.0)).save(tmp_path / "calibration.json")
    judge = BuiltinJudge(Resources(), model_dir=str(tmp_path), use_slots=False)
    assert judge.model_dir == tmp_path
    assert judge.calibration.bias == (0.1, 0.0, 0.0)
    assert not judge.judges_sets  # no decision head yet: judged passage by passage
    with pytest.raises(ConfigError, match="does not exist"):
        BuiltinJudge(Resources(), model_dir=str(tmp_path / "absent"), use_slots=False)


def test_a_model_being_recalibrated_ignores_its_stale_calibration_files(tmp_path) -> None:
    Calibration(bias=(0.1, 0.0, 0.0)).save(tmp_path / "calibration.json")
    (tmp_path / DECISION_FILE).write_text("{}")  # a head of an older format
    with pytest.raises(ConfigError):
        BuiltinJudge(Resources(), model_dir=tmp_path, use_slots=False)
    judge = BuiltinJudge(Resources(), model_dir=tmp_path, use_slots=False, max_length=160, calibrated=False)
    assert judge.decision is None
    assert judge.calibration == Calibration()
    assert judge.encoder.max_length == 160


def test_judges_on_one_resources_share_the_model_of_their_folder_and_read_length(tmp_path) -> None:
    resources = Resources()
    first = BuiltinJudge(resources, model_dir=tmp_path, use_slots=False, calibrated=False)
    second = BuiltinJudge(resources, model_dir=str(tmp_path), use_slots=False, calibrated=False)
    assert first.encoder is second.encoder
    longer = BuiltinJudge(resources, model_dir=tmp_path, use_slots=False, max_length=160, calibrated=False)
    assert longer.encoder is not first.encoder
    assert longer.encoder.max_length == 160
    elsewhere = BuiltinJudge(Resources(), model_dir=tmp_path, use_slots=False, calibrated=False)
    assert elsewhere.encoder is not first.encoder


def test_calibration_round_trip(tmp_path) -> None:
    calibration = Calibration(bias=(0.5, -0.25, 0.0), contradiction_weight=3.0, slot_gate=0.4)
    calibration.save(tmp_path / "calibration.json", dev_balanced_accuracy={"wice": 0.7})
    assert Calibration.load(tmp_path / "calibration.json") == calibration
    assert Calibration.load(tmp_path / "absent.json") == Calibration()


@needs_model
def test_the_shipped_model_has_its_decision_head() -> None:
    assert (default_model_dir() / DECISION_FILE).is_file()
    assert BuiltinJudge(Resources(), use_slots=False).decision is not None


def _each_against_all(verifier, claims: list[str], passages: list[str]) -> list[SetJudgement]:
    """Each claim decided over every passage."""
    return verifier.judge_sets([[(claim, text) for text in passages] for claim in claims])


@needs_model
def test_a_claim_is_decided_over_all_its_passages(verifier) -> None:
    passages = [
        "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on Saturday.",
        "Hamas said it would not take part in the Doha talks.",
    ]
    backed = "An Israeli strike on a school in Gaza City killed about 93 people."
    padded = "An Israeli strike on the Al-Mawasi school killed 92 people, and the emir of Qatar resigned."
    judged = _each_against_all(verifier, [backed, padded], passages)
    assert [len(item.passages) for item in judged] == [2, 2]
    assert judged[0].claim.supported > judged[1].claim.supported
    assert judged[0].decider == 0
    for item in judged:
        assert sum(item.claim.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
        assert "over 2 passages" in item.claim.reason and "content words" in item.claim.reason
        side = "refuted" if item.claim.label == "refuted" else "supported"
        strongest = max(item.passages, key=lambda passage: passage.probabilities[side])
        assert item.passages[item.decider] is strongest  # the passage a report ranks first
        assert item.claim.reason.endswith(strongest.reason)
    [empty] = verifier.pair_judge.judge_sets([[]])
    assert empty.claim.label == "not_enough_evidence" and empty.decider == -1


@needs_model
def test_a_detail_that_differs_vetoes_support_and_is_named(verifier) -> None:
    evidence = "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on Saturday."
    backed = "An Israeli strike on the al-Tabi'in school killed about 93 people."
    swapped = "An Israeli strike on the Al-Mawasi school killed 92 people."
    judged = verifier.judge_sets([[(backed, evidence)], [(swapped, evidence)]])
    assert judged[0].claim.label == "supported"
    assert judged[1].claim.label != "supported"
    assert "Al-Mawasi" in judged[1].claim.reason


@needs_model
def test_no_passage_is_shown_supporting_a_claim_whose_place_it_gives_otherwise(verifier) -> None:
    claim = "An Israeli strike on the Al-Mawasi school killed 92 people on Sunday."
    passages = [
        "Hamas said the Israeli strike on the Al-Mawasi school killed 92 people on Sunday, most of them "
        "displaced families.",
        "An Israeli strike on the al-Tabi'in school killed 92 people on Sunday, Gaza's civil defence "
        "agency said.",
        "Hamas said it would not take part in the Doha talks.",
    ]
    [judged] = verifier.judge_sets([[(claim, text) for text in passages]])
    assert judged.claim.label == "supported" and judged.decider == 0
    other_school = judged.passages[1]  # the model alone reads it as support: only the slot rules tell
    assert other_school.label != "supported"
    assert "place differs" in other_school.reason and "al-Tabi'in" in other_school.reason


@needs_model
def test_a_number_no_passage_states_is_not_supported_and_is_named(verifier) -> None:
    passages = [
        "The Gaza health ministry said on 15 August 2024 that more than 40,000 Palestinians had been killed "
        "in the war. No ceasefire has held since the truce of November 2023.",
        "The fighting in Gaza has continued since the truce ended on 1 December 2023.",
    ]
    stated = "The fighting in Gaza has killed more than 40,000 Palestinians."
    invented = "The fighting in Gaza has killed more than 2,300 Palestinians."
    judged = _each_against_all(verifier, [stated, invented], passages)
    assert "no passage states" not in judged[0].claim.reason
    assert judged[1].claim.label != "supported"
    assert "no passage states the claim's 'more than 2,300'" in judged[1].claim.reason


@needs_model
def test_skipping_the_slot_check_where_the_head_is_sure_keeps_every_label(monkeypatch) -> None:
    judge = BuiltinJudge(Resources())
    assert judge.decision is not None
    evidence = [
        "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on Saturday.",
        "Hamas said it would not take part in the Doha talks. The delegation of Israel arrived on Thursday.",
        "The price of wheat rose by 4 percent in March, the ministry said.",
    ]
    claims = [
        "An Israeli strike on the al-Tabi'in school killed about 93 people.",
        "An Israeli strike on the Al-Mawasi school killed 92 people.",
        "Hamas took part in the Doha talks.",
        "The price of wheat fell in March.",
        "The emir of Qatar resigned on Sunday.",
        "Penguins live in the Sahara desert.",
    ]
    sets = [
        [EvidencePair(claim, text) for text in evidence[: 1 + index % 3]]
        for index, claim in enumerate(claims)
    ]
    skipping = [item.claim.label for item in judge.judge_sets(sets)]
    features, grouped = judge.set_features(sets)
    checked = [any(score.slots is not None for score in group) for group in grouped]
    assert checked == (~judge.decision.surely_neutral(features)).tolist()
    assert not all(checked)  # the unrelated claims need no parsing
    monkeypatch.setattr(DecisionHead, "surely_neutral", lambda _, rows: np.zeros(len(rows), dtype=bool))
    assert [item.claim.label for item in BuiltinJudge(Resources()).judge_sets(sets)] == skipping
    window = FEATURES.index("support_window")
    single = judge.raw_scores([sets[0][0]])[0].logits
    assert features[0, window] == pytest.approx(float(log_odds(single, 0)))


def test_the_passages_read_option_is_a_whole_number_of_at_least_one() -> None:
    assert passage_count(None) is None
    assert passage_count(2) == 2
    assert passage_count(" 3 ") == 3  # as `--verifier-option passages_read=3` gives it
    for wrong in ("0", "two", "-1", "1.5", 0, True):
        with pytest.raises(ConfigError, match="passages_read"):
            passage_count(wrong)


@needs_model
def test_builtin_fast_decides_on_the_closest_passage_alone() -> None:
    passages = [
        "The price of wheat rose by 4 percent in March, the ministry said.",
        "Hamas said it would not take part in the Doha talks.",
        "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people on Saturday.",
    ]
    claim = "An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people."
    fast = VERIFIERS.create("builtin-fast", resources=Resources())
    assert fast.name == "builtin-fast"
    judge = fast.pair_judge
    read: list[tuple[str, str]] = []
    model_logits = judge.encoder.logits

    def counted(pairs: list[tuple[str, str]]) -> np.ndarray:
        read.extend(pairs)
        return model_logits(pairs)

    judge.encoder.logits = counted
    [judged] = fast.judge_sets([[(claim, text) for text in passages]])
    assert [evidence for evidence, _ in read] == [passages[2]]  # one run: its window is the claim's window
    assert judged.decider == 2
    assert judged.passages[:2] == [None, None]  # not read, so a report leaves them out
    assert "over 1 of 3 passages" in judged.claim.reason
    [alone] = create_builtin(Resources()).judge_sets([[(claim, passages[2])]])
    assert judged.claim.probabilities == alone.claim.probabilities
    assert judged.passages[2] == alone.passages[0]
