"""Bank holidays in Wales: England and Wales rules for any year, plus one-off changes from the data file."""
from datetime import date

import pytest

from bot.services import easter_sunday, load_directory

from .services_helpers import SHIPPED


@pytest.fixture(scope="module")
def holidays():
    return load_directory(SHIPPED).holidays


def test_2026_matches_the_published_list(holidays):
    assert list(holidays.for_year(2026)) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)]


def test_boxing_day_2026_on_a_saturday_moves_to_monday_28th(holidays):
    assert holidays.name(date(2026, 12, 28))["en"] == "Boxing Day (substitute day)"
    assert date(2026, 12, 26) not in holidays


def test_2027_christmas_on_saturday_gives_27th_and_28th_and_easter_monday_29_march(holidays):
    days = holidays.for_year(2027)
    assert list(days) == [
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28)]
    assert days[date(2027, 3, 29)]["en"] == "Easter Monday"
    assert days[date(2027, 12, 27)]["en"] == "Christmas Day (substitute day)"


def test_new_year_on_a_sunday_is_substituted_on_monday(holidays):
    assert date(2023, 1, 2) in holidays and date(2023, 1, 1) not in holidays


def test_one_off_changes_listed_in_the_data_file(holidays):
    # 2020: early May bank holiday moved to Friday 8 May for VE Day
    assert date(2020, 5, 8) in holidays and date(2020, 5, 4) not in holidays
    # 2022: spring bank holiday moved to 2 June, extra days on 3 June and 19 September
    y2022 = holidays.for_year(2022)
    assert date(2022, 5, 30) not in y2022
    assert {date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)} <= set(y2022)
    assert date(2023, 5, 8) in holidays


def test_st_davids_day_is_not_a_bank_holiday(holidays):
    assert date(2027, 3, 1) not in holidays


@pytest.mark.parametrize("year,expected", [
    (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
    (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)),
])
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


def test_every_year_has_eight_standing_bank_holidays(holidays):
    for year in range(2024, 2100):
        assert len(holidays.for_year(year)) == 8, year
