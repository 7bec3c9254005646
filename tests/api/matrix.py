"""Role matrix for the integrations pages (administrators and clerks).

The JSON API under /api/v1/ (namespace ``api``) answers 401/403 instead of a login redirect and
is checked per endpoint and key in tests/api/test_scoping.py; tests/test_role_matrix.py leaves
the namespace out, and tests/api/test_scoping.py::test_every_api_url_is_scoped fails if an API
URL has no scoping test.
"""

from ..matrix import Entry

MANAGERS = {"admin", "clerk", "city_clerk", "other_clerk"}


def _integration(w):
    from .support import make_key

    return [make_key(w)[0].pk]


ENTRIES = [
    Entry("integrations:list", allow=MANAGERS, deny=403),
    Entry("integrations:create", allow=MANAGERS, deny=403),
    Entry(
        "integrations:create",
        method="post",
        data=lambda w: {"name": "平台", "region": w.district_x.pk, "access": "read"},
        allow={"admin", "clerk", "city_clerk"},
        # other_clerk may use the page, but district X is not among its choices: form re-shown.
        special={"other_clerk": 200},
        ok=200,
        deny=403,
    ),
    Entry(
        "integrations:revoke",
        args=_integration,
        method="post",
        allow={"admin", "clerk", "city_clerk"},
        ok=302,
        special={"other_clerk": 404},
        deny=403,
    ),
]


def _triaged(w):
    from petitions.choices import Status
    from tests.petitions.factories import make_petition

    return [make_petition(w, Status.TRIAGED).pk]


# A triaged case of station A: staff (and the admin) may assign it, so they may forward it;
# those who only see it (the clerks and the case's deputy) get a 403; everyone else a 404.
SEES_CASE = {"clerk": 403, "city_clerk": 403, "deputy": 403}
ENTRIES += [
    Entry("integrations:forward", args=_triaged, allow={"admin", "staff"}, special=SEES_CASE),
    Entry(
        "integrations:forward",
        args=_triaged,
        method="post",
        data=lambda w: {"platform": ""},
        allow={"admin", "staff"},  # no platform chosen: the form is shown again
        special=SEES_CASE,
    ),
]
