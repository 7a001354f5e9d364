"""Welsh speakers are offered Welsh-language services first (issue 7)."""
from datetime import datetime

from bot.clock import LONDON
from bot.services import get_directory


def test_welsh_language_services_come_first_for_welsh_speakers():
    directory = get_directory()
    at = datetime(2026, 11, 24, 20, 0, tzinfo=LONDON)     # Tuesday evening: the Welsh line is open
    cy = directory.signpost(urgency="routine", at=at, lang="cy", limit=20).payload["services"]
    en = directory.signpost(urgency="routine", at=at, lang="en", limit=20).payload["services"]
    welsh = {s.id for s in directory.services if "cy" in s.languages}
    assert welsh, "the data file lists Welsh-language services"
    open_cy = [s["id"] for s in cy if s["open_now"]]
    # among the services open now, every Welsh-language one comes before any other
    flags = [sid in welsh for sid in open_cy]
    assert flags == sorted(flags, reverse=True) and any(flags)
    # for an English speaker the file order stands, which does not put them first
    open_en = [s["id"] for s in en if s["open_now"]]
    assert [sid in welsh for sid in open_en] != flags
