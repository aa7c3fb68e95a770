"""Training of veracity's built-in verifier (needs the optional `torch==2.13.0` and `transformers`)."""

from veracity.train.pipeline import TrainResult, train_model
from veracity.train.trainer import TrainConfig

__all__ = ["TrainConfig", "TrainResult", "train_model"]
