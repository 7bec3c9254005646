import pytest

from suggestions.choices import Classification, Status

from .factories import make_suggestion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s for s in Status])
def test_it_reaches_every_status(world, status):
    cls = Classification.A if status == Status.CLOSED else Classification.B
    s = make_suggestion(world, status, classification=cls)
    assert s.status == status
