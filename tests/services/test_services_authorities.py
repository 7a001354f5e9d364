"""The 22 Welsh local authorities' children's services contacts (issue 14, item 4)."""
from datetime import date

import pytest

from bot.datafile import DataError
from bot.services.authorities import DEFAULT_FILE, find_authority, load_authorities, team_now

from .services_helpers import london

WALES = {"isle_of_anglesey", "gwynedd", "conwy", "denbighshire", "flintshire", "wrexham", "powys",
         "ceredigion", "pembrokeshire", "carmarthenshire", "swansea", "neath_port_talbot", "bridgend",
         "vale_of_glamorgan", "cardiff", "rhondda_cynon_taf", "merthyr_tydfil", "caerphilly",
         "blaenau_gwent", "torfaen", "monmouthshire", "newport"}


@pytest.fixture(scope="module")
def authorities():
    return load_authorities()


def test_all_22_authorities_with_sources_and_dates(authorities):
    assert set(authorities) == WALES
    for a in authorities.values():
        assert a.name["en"] and a.name["cy"], a.id
        for team in (a.day, a.out_of_hours):
            assert team.sources and all(u.startswith(("http://", "https://")) for u in team.sources), a.id
            assert date(2015, 1, 1) <= team.checked <= date(2026, 12, 7), a.id
            assert team.note, a.id
        assert a.confirmed == bool(a.day.phone and a.out_of_hours.phone), a.id
        assert not a.demo


def test_the_demo_regions_authorities_have_sourced_day_numbers(authorities):
    assert authorities["swansea"].day.phone == "01792 635700"
    assert authorities["swansea"].out_of_hours.phone == "01792 775501"
    assert authorities["neath_port_talbot"].day.phone == "01639 686802"
    # no source confirmed Neath Port Talbot's duty-team number: it is not guessed
    assert authorities["neath_port_talbot"].out_of_hours.phone is None
    assert "01:30" in str(authorities["neath_port_talbot"].out_of_hours.hours) or \
        authorities["neath_port_talbot"].out_of_hours.after_hours


def test_a_part_night_duty_team_hands_over_after_it_closes(authorities):
    from bot.services import get_directory
    d = get_directory()
    swansea = authorities["swansea"]
    assert team_now(swansea, d, london(2026, 11, 24, 10, 0)).which == "day"
    evening = team_now(swansea, d, london(2026, 11, 24, 20, 0))
    assert (evening.which, evening.open_now) == ("out_of_hours", True)
    night = team_now(swansea, d, london(2026, 11, 25, 3, 0))
    assert (night.which, night.open_now) == ("out_of_hours", False) and night.team.after_hours
    christmas = team_now(swansea, d, london(2026, 12, 25, 12, 0))          # a bank holiday
    assert (christmas.which, christmas.open_now) == ("out_of_hours", True)


@pytest.mark.parametrize("typed, expected", [
    ("Swansea", "swansea"), ("abertawe", "swansea"), ("Castell-nedd Port Talbot", "neath_port_talbot"),
    ("Cardiff", "cardiff"), ("Caerdydd", "cardiff"), ("the moon", None), ("", None),
])
def test_an_area_is_found_by_its_english_or_welsh_name(typed, expected):
    found = find_authority(typed)
    assert (found.id if found else None) == expected


def test_every_demo_setting_names_its_local_authority(authorities):
    from bot.booking import load_directory
    settings = load_directory().settings
    assert settings and all(s.local_authority in authorities for s in settings)


@pytest.mark.parametrize("old, new, entry, field, message", [
    ('      phone: "01792 635700"', '      phone: "ring 01792 635700"', "swansea", "day.phone", "digits"),
    ('      phone: "01792 635700"', '      phone: "01792 635700"\n      fax: "1"', "swansea", "day.fax", "extra"),
    ("    confirmed: true", "    confirmed: yes please", "isle_of_anglesey", "confirmed", "bool"),
])
def test_a_malformed_file_names_file_line_authority_and_field(tmp_path, old, new, entry, field, message):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "local_authorities.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_authorities(path)
    err = caught.value
    assert err.path == str(path) and err.line and err.field == field and message in err.message.lower()
    if entry != "isle_of_anglesey":
        assert err.entry == entry


def test_confirmed_needs_both_numbers(tmp_path):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    path = tmp_path / "local_authorities.yml"
    path.write_text(text.replace("    confirmed: false", "    confirmed: true", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_authorities(path)
    assert caught.value.field == "confirmed" and "null" in caught.value.message
