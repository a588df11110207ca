"""Kit errors: every message is a short English sentence safe to show a volunteer.

KitError
├── KitNotFound         no kit with that id, or not in that language
├── KitFormatError      a kit folder or its kit.yaml is malformed (reported when loading)
├── KitParameterError   a parameter value is missing, of the wrong type or out of range
├── KitRenderError      a template failed, or a format cannot be produced on this machine
└── KitRefused          the sandbox stopped a community kit (forbidden access, time, memory, size)

``message`` is an English template with ``{placeholders}`` and ``params`` fills them, so the bot
layer can translate the template and fill in the values itself.
"""

from __future__ import annotations


class KitError(Exception):
    """Base of every kit error a volunteer may see."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params: dict[str, object] = dict(params)


class KitNotFound(KitError):
    """There is no such kit, or it is not available in the requested language."""


class KitFormatError(KitError):
    """A kit folder cannot be loaded: kit.yaml or a template is missing or malformed."""

    @classmethod
    def bad_field(cls, path: str, field: str, expected: str) -> KitFormatError:
        """A kit.yaml field has the wrong shape; ``expected`` says what it should be."""
        return cls(
            "The kit.yaml in {path} has a bad {field}: it should be {expected}.",
            path=path,
            field=field,
            expected=expected,
        )


class KitParameterError(KitError):
    """A parameter value is not acceptable; ``params["name"]`` names the parameter."""


class KitRenderError(KitError):
    """A kit could not be rendered in the requested format."""


class KitRefused(KitError):
    """The sandbox refused or stopped a community kit's template."""
