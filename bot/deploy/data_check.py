"""Production must not tell a practitioner a number that rings nobody.

:func:`demo_in_replies` lists every entry a reply can show that is still
demo data: advice-line entries marked ``demo: true`` (data/services/services.yml),
local authorities marked ``demo: true`` (data/services/local_authorities.yml)
and a booking directory marked ``demo: true``.  ``python -m bot.deploy check``
and ``run`` refuse to start while any is left, unless ``NEST_ALLOW_DEMO_DATA=1``
says so explicitly (the production tests, a staging server).
"""
from __future__ import annotations

import os
from typing import List, Mapping, Optional

OVERRIDE = "NEST_ALLOW_DEMO_DATA"


def demo_in_replies() -> List[str]:
    from bot.booking.directory import load_directory as load_booking_directory
    from bot.services import get_directory
    from bot.services.authorities import get_authorities
    found = [f"service {s.id} (data/services/services.yml) is demo data"
             for s in get_directory().services if s.demo]
    found += [f"local authority {a.id} (data/services/local_authorities.yml) is demo data"
              for a in get_authorities().values() if a.demo]
    directory = load_booking_directory()
    if getattr(directory, "demo", False):
        found.append("the booking directory (data/directory/directory.yml) is the demo region")
    return found


def refuse_demo(environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """The reasons to refuse to start, or [] (none left, or the override is set)."""
    env = os.environ if environ is None else environ
    if str(env.get(OVERRIDE, "")).strip().lower() in ("1", "true", "yes"):
        return []
    return demo_in_replies()
