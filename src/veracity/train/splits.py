"""The split of WiCE dev between training and calibration.

WiCE ships no train split here and its test split is for reporting only, so its dev claims are divided by
a stable hash of the claim id. Factcheck-GPT uses the eval harness's document split
(`veracity.eval.datasets.hash_split`) so that no test document trains or calibrates the shipped model.
"""

from __future__ import annotations

import hashlib
from typing import Literal


def wice_dev_split(claim_id: str) -> Literal["train", "calibration"]:
    """60% of WiCE dev claims train the model, 40% calibrate the verifier."""
    bucket = int(hashlib.sha1(claim_id.encode("utf-8")).hexdigest(), 16) % 10
    return "calibration" if bucket < 4 else "train"
