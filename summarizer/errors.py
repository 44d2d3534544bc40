"""Errors a user can act on: each names what was wrong, the limit or valid options, and the fix."""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class; ``str(error)`` is a complete message for a person."""


class InputError(SummarizerError):
    """Bad input. ``field`` names the offending field (``articles[2].text``); ``code`` is stable."""

    def __init__(self, message: str, *, field: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


class InputTooLargeError(InputError):
    """Input over a size limit (the HTTP layer maps it to 413)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field, code="too_large")


class ConfigError(SummarizerError):
    """A setting from the environment is invalid; the message names the variable and its range."""


class ModelError(SummarizerError):
    """A model is missing, corrupt or failed to load; the message names the command that fixes it."""


class GenerationError(SummarizerError):
    """The generator failed while producing text for a request."""


class BriefCancelled(SummarizerError):
    """The caller cancelled a brief (deadline passed or client gone) before it finished."""
