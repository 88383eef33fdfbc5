"""What every decision needs before it is recorded: the error a refused decision raises, who
decides, and when (the one clock of decisions and the candidate cache). Kept apart from
`decisions` so that `closure` and `decisions` share the error without importing each other;
`decisions` exports all of these too."""
from __future__ import annotations

import datetime as dt
import getpass
import os

from casegraph.errors import CasegraphError


class DecisionError(CasegraphError):
    """A decision that cannot be recorded; nothing was changed."""


def default_analyst() -> str:
    """$CASEGRAPH_ANALYST, else the operating-system user name."""
    if name := os.environ.get("CASEGRAPH_ANALYST", "").strip():
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user database entry (some containers)
        return "unknown"


def xsd_datetime(when: dt.datetime | None = None) -> str:
    """`when` (default: now) as a canonical UTC xsd:dateTime, as the store gives it back; the one
    clock of decisions and the candidate cache."""
    when = when or dt.datetime.now(dt.timezone.utc)
    if when.tzinfo is None:
        raise DecisionError(f"decision time {when.isoformat()} has no time zone; give an aware datetime (UTC)")
    text = when.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    return text.rstrip("0").rstrip(".") + "Z"  # canonical xsd:dateTime, as the store gives it back
