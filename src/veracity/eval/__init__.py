"""`veracity eval`: data set loaders, metrics and the harness that compares verifiers on the same splits."""

from veracity.eval.datasets import DATASETS, GOLD_LABELS, Pair, iter_pairs, load_pairs, read_pairs_file
from veracity.eval.harness import TASKS, EvalResult, average, run_eval
from veracity.eval.report import eval_command, format_table

__all__ = [
    "DATASETS",
    "GOLD_LABELS",
    "TASKS",
    "EvalResult",
    "Pair",
    "average",
    "eval_command",
    "format_table",
    "iter_pairs",
    "load_pairs",
    "read_pairs_file",
    "run_eval",
]
