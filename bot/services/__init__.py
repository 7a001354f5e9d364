"""Advice lines, opening hours and signposting (DESIGN.md contracts 1, 3, 4).

>>> d = get_directory()
>>> d.is_open("meic")                       # reads bot.clock.now() (NEST_NOW)
>>> d.signpost(urgency="urgent", audience="young_person", channel="text").text
>>> d.emergency_reply().payload["steps"]
"""
from bot.datafile import DataError
from bot.services.directory import (DEFAULT_SERVICES_FILE, Reply, ServiceDirectory, Status, get_directory,
                                    load_directory)
from bot.services.holidays import BankHolidays, easter_sunday, standard_holidays
from bot.services.loader import AUDIENCES, CHANNELS, URGENCIES, Service

__all__ = ["AUDIENCES", "BankHolidays", "CHANNELS", "DEFAULT_SERVICES_FILE", "DataError", "Reply", "Service",
           "ServiceDirectory", "Status", "URGENCIES", "easter_sunday", "get_directory", "load_directory",
           "standard_holidays"]
