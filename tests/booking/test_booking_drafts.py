"""Contact drafts: the contact typed in the booking form is held server-side."""
from datetime import timedelta

import pytest

from bot.booking import BookingService, InvalidDetails, create_engine_from_env, make_session_factory, migrate


@pytest.fixture
def service(tmp_path):
    engine = create_engine_from_env(f"sqlite:///{tmp_path / 'drafts.db'}")
    migrate(engine)
    return BookingService(make_session_factory(engine))


def test_contact_is_held_per_conversation_and_normalised(service):
    assert service.save_contact("conv-a", "Sam@Example.ORG") == "Sam@example.org"
    service.save_contact("conv-b", "07700 900123")
    assert service.draft_contact("conv-a") == "Sam@example.org"
    assert service.draft_contact("conv-b") == "07700900123"
    assert service.draft_contact("conv-c") is None
    service.save_contact("conv-a", "sam@new.example.org")
    assert service.draft_contact("conv-a") == "sam@new.example.org"
    service.clear_draft("conv-a")
    assert service.draft_contact("conv-a") is None


def test_an_invalid_contact_is_refused_and_nothing_is_held(service):
    with pytest.raises(InvalidDetails) as err:
        service.save_contact("conv-a", "call me maybe")
    assert err.value.field == "contact"
    assert service.draft_contact("conv-a") is None


def test_drafts_expire_after_a_day(service, monkeypatch):
    service.save_contact("conv-a", "sam@example.org")
    later = service.now() + service.DRAFT_LIFETIME + timedelta(minutes=1)
    monkeypatch.setattr(service, "_clock", lambda: later)
    assert service.draft_contact("conv-a") is None
    assert service.purge_drafts() == 1
