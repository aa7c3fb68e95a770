"""Named registries for pluggable back-ends, so a stage is chosen by name rather than by if/else chains."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

from veracity.errors import ConfigError, InputError

T = TypeVar("T")
_UNEXPECTED_OPTION = re.compile(r"unexpected keyword argument '([^']+)'")


class Registry(Generic[T]):
    """Maps a back-end name to a factory; factories receive keyword resources and build lazily."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorator(factory: Callable[..., T]) -> Callable[..., T]:
            if name in self._factories:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._factories[name] = factory
            return factory

        return decorator

    def require(self, name: str) -> Callable[..., T]:
        """The factory registered as `name`; an unknown name is a ConfigError listing the known ones."""
        try:
            return self._factories[name]
        except KeyError:
            known = ", ".join(sorted(self._factories)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r} (known: {known})") from None

    def create(self, name: str, **kwargs: object) -> T:
        factory = self.require(name)
        try:
            return factory(**kwargs)
        except TypeError as exc:
            unexpected = _UNEXPECTED_OPTION.search(str(exc))
            if unexpected is None:
                raise
            raise ConfigError(f"the {self.kind} {name!r} takes no option {unexpected.group(1)!r}") from None

    def names(self) -> list[str]:
        return sorted(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self._factories


def parse_options(items: Sequence[str]) -> dict[str, str]:
    """Back-end options as the command line gives them ("key=value", repeatable); the factory converts."""
    options = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"verifier option {item!r} must look like key=value")
        options[key.strip()] = value.strip()
    return options


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """A back-end and its options in one string, "builtin:passages_read=2,other=x" (`serve --offer`)."""
    name, _, options = spec.partition(":")
    if not name.strip():
        raise InputError(f"{spec!r} names no back-end (write NAME or NAME:key=value,key=value)")
    return name.strip(), parse_options([item for item in options.split(",") if item.strip()])


def format_spec(name: str, options: Mapping[str, object]) -> str:
    """The one spelling of a back-end with its options that `parse_spec` reads back: keys sorted."""
    if not options:
        return name
    return f"{name}:" + ",".join(f"{key}={value}" for key, value in sorted(options.items()))
