"""Consultation booking with named link professionals (issue 3).

Plain Python over SQLAlchemy 1.4; nothing connects at import time::

    from bot.booking import create_engine_from_env, make_session_factory, migrate
    from bot.booking import BookingService, parse_when

    engine = create_engine_from_env()          # NEST_DB_URL or var/nest.db
    migrate(engine)
    service = BookingService(make_session_factory(engine))
"""
from .db import create_engine_from_env, make_session_factory
from .directory import (DEFAULT_PATH as DEFAULT_DIRECTORY, Directory, SyncReport,
                        load_directory, sync_directory)
from .errors import (BookingError, BookingUnavailable, IdentifyingDetails, InvalidDetails,
                     NotActive, NotFound, NotYours, SessionFull, SessionUnavailable)
from .migrations import migrate
from .service import (BookingService, BookingView, ProfessionalView, SessionView, SettingView,
                      normalise_reference)
from .when import TimeWindow, parse_when

__all__ = [
    "BookingError", "BookingService", "BookingUnavailable", "BookingView", "DEFAULT_DIRECTORY",
    "Directory", "IdentifyingDetails", "InvalidDetails", "NotActive", "NotFound", "NotYours",
    "ProfessionalView", "SessionFull", "SessionUnavailable", "SessionView", "SettingView",
    "SyncReport", "TimeWindow", "create_engine_from_env", "load_directory",
    "make_session_factory", "migrate", "normalise_reference", "parse_when", "sync_directory",
]
