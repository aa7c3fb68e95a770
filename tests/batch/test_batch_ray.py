"""The Ray engine on a local Ray instance, as CI runs it: same output as the local engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import batch_fakes
import pytest
from batch_fakes import FAIL_MARK, FakeCheckerFactory

from veracity.batch import WorkerSetupError, batch_check

ray = pytest.importorskip("ray", reason="the ray engine needs ray[data] (an optional extra)")

pytestmark = pytest.mark.slow

ARTICLES = [
    {
        "id": f"g{number}",
        "text": f"Article {number} opens. It has {number} more sentences.",
        "title": f"T{number}",
    }
    for number in range(12)
] + [{"id": "broken", "text": f"Say {FAIL_MARK}."}, {"id": "empty-html", "html": 7}]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    from ray import cloudpickle

    ray.init(num_cpus=2, include_dashboard=False)
    cloudpickle.register_pickle_by_value(batch_fakes)  # actors cannot import the tests folder
    try:
        yield
    finally:
        cloudpickle.unregister_pickle_by_value(batch_fakes)
        ray.shutdown()


def outputs(path: Path) -> dict[object, dict[str, object]]:
    return {line["id"]: line for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_ray_output_equals_the_local_engine_output(tmp_path: Path, local_ray: None) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in ARTICLES), encoding="utf-8")
    local = batch_check(
        source, tmp_path / "local.jsonl", FakeCheckerFactory(), engine="local", workers=2, progress=False
    )
    on_ray = batch_check(
        source, tmp_path / "ray.jsonl", FakeCheckerFactory(), engine="ray", workers=2, progress=False
    )
    assert outputs(tmp_path / "ray.jsonl") == outputs(tmp_path / "local.jsonl")
    assert (on_ray.checked, on_ray.errors) == (local.checked, local.errors) == (12, 2)


def test_ray_resumes_from_a_partial_output(tmp_path: Path, local_ray: None) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in ARTICLES), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    output.write_text(json.dumps({"id": "g3", "status": "error", "error": "kept"}) + '\n{"id": "g4", "sta')
    result = batch_check(source, output, FakeCheckerFactory(), engine="ray", workers=2, progress=False)
    lines = outputs(output)
    assert lines["g3"]["error"] == "kept"
    assert set(lines) == {record["id"] for record in ARTICLES}
    assert (result.skipped, result.checked + result.errors) == (1, len(ARTICLES) - 1)


def test_an_actor_that_cannot_build_its_checker_fails_in_one_line(tmp_path: Path, local_ray: None) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(ARTICLES[0]) + "\n", encoding="utf-8")
    with pytest.raises(WorkerSetupError) as raised:
        batch_check(
            source,
            tmp_path / "out.jsonl",
            FakeCheckerFactory(setup_error="store /nowhere is missing"),
            engine="ray",
            workers=1,
            progress=False,
        )
    assert str(raised.value) == "store /nowhere is missing"
