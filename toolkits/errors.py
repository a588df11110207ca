"""Kit errors: every message is a short English sentence safe to show a volunteer.

KitError (a CanError, so the dispatcher turns each into a translated refusal)
├── KitNotFound         no kit with that id, or not in that language        (also NotFound)
├── KitFormatError      a kit folder or its kit.yaml is malformed           (also Invalid)
├── KitParameterError   a parameter value is missing, wrong type or range   (also Invalid)
├── KitRenderError      a template failed, or a format cannot be produced on this machine
├── KitRefused          the sandbox stopped a community kit (forbidden access, time, memory,
│                       size)                                               (also PermissionDenied)
└── KitBusy             too many renders are waiting; nothing was queued    (also Conflict)

``message`` is an English template marked with ``N_()``, with ``{placeholders}`` that ``params``
fill, so the bot layer can translate the template and fill in the values itself.
"""

from __future__ import annotations

from circles.errors import N_, CanError, Conflict, Invalid, NotFound, PermissionDenied


class KitError(CanError):
    """Base of every kit error a volunteer may see."""


class KitNotFound(KitError, NotFound):
    """There is no such kit, or it is not available in the requested language."""


class KitFormatError(KitError, Invalid):
    """A kit folder cannot be loaded: kit.yaml or a template is missing or malformed."""

    @classmethod
    def bad_field(cls, path: str, field: str, expected: str) -> KitFormatError:
        """A kit.yaml field has the wrong shape; ``expected`` says what it should be."""
        return cls(
            N_("The kit.yaml in {path} has a bad {field}: it should be {expected}."),
            path=path,
            field=field,
            expected=expected,
        )


class KitParameterError(KitError, Invalid):
    """A parameter value is not acceptable; ``params["name"]`` names the parameter."""


class KitRenderError(KitError):
    """A kit could not be rendered in the requested format."""


class KitRefused(KitError, PermissionDenied):
    """The sandbox refused or stopped a community kit's template."""


class KitBusy(KitError, Conflict):
    """Too many renders are already waiting; the request was not queued."""
