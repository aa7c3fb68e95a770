"""User-facing errors: the CLI and the service turn these into one-line messages, never tracebacks."""


class VeracityError(Exception):
    """Base for every error whose message is meant for the user; `exit_code` is what the CLI returns."""

    exit_code = 1


class InputError(VeracityError):
    """The article or document the user gave cannot be read (empty, binary, too large, bad format)."""

    exit_code = 2


class StoreError(VeracityError):
    """The evidence store is missing, locked, corrupt or of an incompatible schema version."""

    exit_code = 3


class ConfigError(VeracityError):
    """An unknown back-end name, a missing optional dependency or model file."""

    exit_code = 4
