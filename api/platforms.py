"""Adapters for external platforms (基层治理四平台): send a case, read its state back.

Two ship: a generic JSON one (``POST {url}/cases``, ``GET {url}/cases/{id}``) and Open311
GeoReport v2 (``POST {url}/requests.json``, ``GET {url}/requests/{id}.json``), the protocol
FixMyStreet speaks to councils. Our calls are signed like webhooks (``X-Liaison-Timestamp``,
``X-Liaison-Signature``). What is sent carries no phone, ID number or name: the platform
handles the case as a department does, and its text has phone numbers masked.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from core.errors import DomainError
from core.pii import scrub
from petitions.models import Petition

from .models import Adapter, ExternalPlatform, ForwardState
from .webhooks import sign


class PlatformError(DomainError):
    """The platform could not be reached or answered something we cannot read."""


@dataclass(frozen=True)
class Remote:
    state: str  # a ForwardState value
    text: str = ""


def _call(platform: ExternalPlatform, method: str, path: str, body: bytes | None, ctype: str):
    timestamp = str(int(time.time()))
    headers = {"Accept": "application/json", "User-Agent": "liaison-forward/1"}
    if body is not None:
        headers["Content-Type"] = ctype
    headers["X-Liaison-Timestamp"] = timestamp
    headers["X-Liaison-Signature"] = sign(platform.secret, timestamp, body or b"")
    request = urllib.request.Request(
        platform.url.rstrip("/") + path, data=body, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PlatformError(f"{platform.name}: {type(exc).__name__}") from None


def _text(petition: Petition) -> dict:
    return {
        "title": scrub(petition.title),
        "content": scrub(petition.content),
        "location": scrub(petition.location_text),
    }


def send(platform: ExternalPlatform, petition: Petition) -> str:
    """POST the case; returns the platform's id for it."""
    text = _text(petition)
    if platform.adapter == Adapter.OPEN311:
        form = {
            "service_code": str(petition.category_id or "general"),
            "description": f"{text['title']}\n{text['content']}",
            "address_string": text["location"] or petition.station.name,
            "external_id": str(petition.pk),
        }
        if petition.station.latitude is not None and petition.station.longitude is not None:
            form["lat"], form["long"] = (
                str(petition.station.latitude),
                str(petition.station.longitude),
            )
        answer = _call(
            platform,
            "POST",
            "/requests.json",
            urllib.parse.urlencode(form).encode(),
            "application/x-www-form-urlencoded",
        )
        try:
            return str(answer[0]["service_request_id"])
        except (KeyError, IndexError, TypeError):
            raise PlatformError(f"{platform.name}: no service_request_id") from None
    body = {
        "reference": petition.pk,
        **text,
        "category": str(petition.category) if petition.category_id else "",
        "station": petition.station.name,
        "deadline": petition.deadline.isoformat() if petition.deadline else None,
    }
    answer = _call(
        platform,
        "POST",
        "/cases",
        json.dumps(body, ensure_ascii=False).encode(),
        "application/json",
    )
    if not isinstance(answer, dict) or not answer.get("id"):
        raise PlatformError(f"{platform.name}: no id")
    return str(answer["id"])


# The platform's words for a case's state, per adapter, onto ours.
GENERIC_STATES = {
    "accepted": ForwardState.ACCEPTED,
    "replied": ForwardState.REPLIED,
    "returned": ForwardState.RETURNED,
}
OPEN311_STATES = {
    "open": ForwardState.ACCEPTED,
    "closed": ForwardState.REPLIED,
    "returned": ForwardState.RETURNED,  # not in GeoReport v2; some servers add it
}


def fetch(platform: ExternalPlatform, external_id: str) -> Remote | None:
    """The case's state on the platform, or None while it has not moved."""
    quoted = urllib.parse.quote(external_id, safe="")
    if platform.adapter == Adapter.OPEN311:
        answer = _call(platform, "GET", f"/requests/{quoted}.json", None, "")
        row = answer[0] if isinstance(answer, list) and answer else {}
        state = OPEN311_STATES.get(str(row.get("status", "")))
        return Remote(state, str(row.get("status_notes") or "")) if state else None
    answer = _call(platform, "GET", f"/cases/{quoted}", None, "")
    return parse_state(answer)


def parse_state(data: object) -> Remote | None:
    """A generic JSON state message: ``{"state": …, "reply": …, "reason": …}``."""
    if not isinstance(data, dict):
        return None
    state = GENERIC_STATES.get(str(data.get("state", "")))
    if state is None:
        return None
    text = data.get("reply") if state == ForwardState.REPLIED else data.get("reason")
    return Remote(state, str(text or ""))
