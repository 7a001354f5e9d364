"""Operator commands for bookings: ``nest-bot admin <command>``.

    validate                         check the directory file, change nothing
    load [--weeks N]                 validate, then write it to the database and
                                     generate the sessions of the next N weeks
    sessions [--professional ID] [--days N]
                                     upcoming sessions with places booked
    bookings --professional ID [--past] [--cancelled]
    export --professional ID [--csv FILE] [--ics FILE] [--past]
    cancel-session SESSION_ID --reason TEXT
                                     cancel for the service; lists whom to tell
    purge --days N                   delete bookings whose session ended more
                                     than N days ago (retention)

``--db URL`` (default env NEST_DB_URL, else var/nest.db) and ``--directory
FILE`` (default data/directory/directory.yml) go before the command.
Runnable on its own as ``python -m bot.booking.admin``.
"""
from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import List, Optional, TextIO

from bot import clock
from bot.datafile import DataError

from .db import create_engine_from_env, make_session_factory
from .directory import DEFAULT_PATH, load_directory, sync_directory
from .errors import BookingError
from .export import bookings_csv, bookings_ics
from .migrations import migrate
from .service import BookingService


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nest-bot admin",
                                     description="Manage link professionals, sessions and "
                                                 "bookings.")
    parser.add_argument("--db", metavar="URL", help="database URL (default: env NEST_DB_URL, "
                        "else var/nest.db)")
    parser.add_argument("--directory", metavar="FILE", default=str(DEFAULT_PATH),
                        help="directory file (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)

    sub.add_parser("validate", help="check the directory file")
    load = sub.add_parser("load", help="validate the directory and load it into the database")
    load.add_argument("--weeks", type=int, default=6, help="weeks of sessions to generate "
                      "(default: %(default)s)")

    sessions = sub.add_parser("sessions", help="list upcoming sessions")
    sessions.add_argument("--professional", metavar="ID")
    sessions.add_argument("--days", type=int, default=14,
                          help="how far ahead (default: %(default)s)")

    bookings = sub.add_parser("bookings", help="list a professional's bookings")
    bookings.add_argument("--professional", metavar="ID", required=True)
    bookings.add_argument("--past", action="store_true", help="include past sessions")
    bookings.add_argument("--cancelled", action="store_true", help="include cancelled ones")

    export = sub.add_parser("export", help="export a professional's bookings")
    export.add_argument("--professional", metavar="ID", required=True)
    export.add_argument("--csv", metavar="FILE", type=Path)
    export.add_argument("--ics", metavar="FILE", type=Path)
    export.add_argument("--past", action="store_true", help="include past sessions")

    cancel = sub.add_parser("cancel-session", help="cancel a session for the service")
    cancel.add_argument("session_id", type=int)
    cancel.add_argument("--reason", required=True)

    purge = sub.add_parser("purge", help="delete bookings of sessions that ended long ago")
    purge.add_argument("--days", type=int, required=True)
    return parser


def _when(moment) -> str:
    return moment.astimezone(clock.LONDON).strftime("%a %d %b %Y %H:%M")


def main(argv: Optional[List[str]] = None, *, out: TextIO = None, err: TextIO = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return _run(args, out)
    except DataError as exc:
        print(f"error: {exc}", file=err)
        return 1
    except BookingError as exc:
        print(f"error: {exc}", file=err)
        return 1


def _service(args) -> BookingService:
    engine = create_engine_from_env(args.db)
    migrate(engine)
    return BookingService(make_session_factory(engine))


def _run(args, out: TextIO) -> int:
    if args.command == "validate":
        directory = load_directory(args.directory)
        print(f"{directory.path}: OK - {len(directory.professionals)} professionals, "
              f"{len(directory.settings)} settings, {len(directory.patterns)} weekly sessions"
              + (" (demo data)" if directory.demo else ""), file=out)
        return 0

    if args.command == "load":
        if args.weeks < 1:
            print("error: --weeks must be at least 1", file=sys.stderr)
            return 2
        directory = load_directory(args.directory)
        engine = create_engine_from_env(args.db)
        migrate(engine)
        report = sync_directory(make_session_factory(engine), directory, weeks_ahead=args.weeks)
        print(f"loaded {directory.path}: {report.summary()}", file=out)
        for warning in report.warnings:
            print(f"warning: {warning}", file=out)
        return 0

    service = _service(args)

    if args.command == "sessions":
        rows = service.upcoming_sessions(professional_id=args.professional, days=args.days)
        if not rows:
            print("no upcoming sessions", file=out)
        for s in rows:
            booked = s.capacity - s.places_left if s.status == "active" else 0
            status = "" if s.status == "active" else f"  CANCELLED: {s.cancel_reason}"
            print(f"{s.session_id:>6}  {_when(s.start)}  {s.length_minutes:>3} min  "
                  f"{s.kind:<12} {s.mode:<9} {s.professional_name:<22} "
                  f"{booked}/{s.capacity} booked{status}", file=out)
        return 0

    if args.command in ("bookings", "export"):
        professional = service.professional(args.professional)
        if professional is None:
            print(f"error: no professional has the id {args.professional!r}", file=sys.stderr)
            return 1
        if args.command == "bookings":
            rows = service.bookings_for_professional(args.professional,
                                                     include_past=args.past,
                                                     include_cancelled=args.cancelled)
            if not rows:
                print(f"no bookings for {professional.name}", file=out)
            for b in rows:
                status = "" if b.status == "booked" else f"  ({b.status} by {b.cancelled_by})"
                print(f"{b.reference}  {_when(b.start)}  {b.kind:<12} {b.name} ({b.role}, "
                      f"{b.setting})  {b.contact}  topic: {b.topic}{status}", file=out)
            return 0
        if not args.csv and not args.ics:
            print("error: give --csv FILE and/or --ics FILE", file=sys.stderr)
            return 2
        rows = service.bookings_for_professional(args.professional, include_past=args.past,
                                                 include_cancelled=True)
        if args.csv:
            args.csv.write_text(bookings_csv(rows), encoding="utf-8", newline="")
            print(f"wrote {len(rows)} bookings to {args.csv}", file=out)
        if args.ics:
            args.ics.write_text(bookings_ics(rows, professional), encoding="utf-8", newline="")
            print(f"wrote {len({b.session_id for b in rows})} sessions to {args.ics}", file=out)
        return 0

    if args.command == "cancel-session":
        affected = service.cancel_session(args.session_id, args.reason)
        print(f"session {args.session_id} cancelled: {args.reason}", file=out)
        if affected:
            print("tell these practitioners (they also see it when they ask the bot):", file=out)
        for b in affected:
            print(f"  {b.reference}  {b.name} ({b.role}, {b.setting})  {b.contact}", file=out)
        return 0

    if args.command == "purge":
        if args.days < 0:
            print("error: --days must not be negative", file=sys.stderr)
            return 2
        cutoff = clock.now() - timedelta(days=args.days)
        count = service.purge_bookings(cutoff)
        print(f"deleted {count} bookings of sessions that ended before {_when(cutoff)}",
              file=out)
        return 0
    raise AssertionError(args.command)  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
