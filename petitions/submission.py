"""One typed command for recording a petition, whichever page it comes from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Submission:
    """What a constituent raised, as the staff form, a reception or the public form gives it.

    ``consent`` is the constituent's agreement to the processing of their contact data (the
    public form asks for it; staff forms record it as given in person).
    """

    station: Any
    channel: str
    title: str
    content: str
    deputy: Any = None
    reception: Any = None
    constituent_name: str = ""
    phone: str = ""
    address: str = ""
    id_number: str = ""
    is_anonymous: bool = False
    category: Any = None
    location_text: str = ""
    consent: bool = False
    idempotency_key: str = ""
    attachments: Sequence[Any] = field(default_factory=tuple)
    # An outside system that sent the case through the API (api/): its name goes on the first
    # timeline step ("via API (name)"). The API checks the integration's region before calling.
    via_integration: str = ""

    @classmethod
    def from_form(cls, data: Mapping[str, Any], **given: Any) -> Submission:
        """Build from a form's ``cleaned_data``; ``given`` fixes what the page decides itself."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names and v is not None}
        values.update(given)
        return cls(**values)


class SubmissionFormMixin:
    """For forms whose fields are named like ``Submission``'s: ``form.submission(**given)``."""

    cleaned_data: dict[str, Any]

    def submission(self, **given: Any) -> Submission:
        return Submission.from_form(self.cleaned_data, **given)
