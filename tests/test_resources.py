"""Resources: what several Checkers share is built once, even when threads ask for it together."""

from __future__ import annotations

import threading
import time

import pytest

from veracity.resources import Resources


def test_a_shared_object_is_built_once_per_key_and_per_resources() -> None:
    resources = Resources()
    built: list[str] = []

    def build(name: str) -> object:
        built.append(name)
        return object()

    first = resources.shared(("model", "a"), lambda: build("a"))
    assert resources.shared(("model", "a"), lambda: build("a")) is first
    assert resources.shared(("model", "b"), lambda: build("b")) is not first
    assert Resources().shared(("model", "a"), lambda: build("a")) is not first
    assert built == ["a", "b", "a"]


def test_threads_asking_together_get_one_object() -> None:
    resources = Resources()
    calls: list[int] = []

    def slow_build() -> object:
        calls.append(1)
        time.sleep(0.05)
        return object()

    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(resources.shared("llm", slow_build))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(result) for result in results}) == 1


def test_a_failed_build_is_not_remembered() -> None:
    resources = Resources()

    def broken() -> object:
        raise RuntimeError("model file missing")

    with pytest.raises(RuntimeError, match="model file missing"):
        resources.shared("llm", broken)
    marker = object()
    assert resources.shared("llm", lambda: marker) is marker


def test_a_shared_build_may_use_another_shared_object() -> None:
    resources = Resources()
    outer = resources.shared("scorer", lambda: ("scorer", resources.shared("model", lambda: "model")))
    assert outer == ("scorer", "model")
    assert resources.shared("model", lambda: "rebuilt") == "model"
