"""Progress bars on standard error whose time left is the recent pace, and said only once it means something.

Click's bar averages its first samples for long afterwards, so a load whose worker processes took
a second to start was forecast at minutes when it took seconds. Here the estimate is the pace over
the last `WINDOW_SECONDS` (or the last half of the run, if shorter), and nothing is forecast
before `MIN_SECONDS` of work and two steps.
"""
from __future__ import annotations

import shutil
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

WINDOW_SECONDS = 5.0
MIN_SECONDS = 1.0
REDRAW_SECONDS = 0.1


class Pace:
    """How fast the work has gone lately, from (time, steps done) samples.

    >>> pace = Pace()
    >>> for second in range(6):
    ...     pace.add(second * 1.0, second * 10)
    >>> pace.seconds_left(50, 100)
    5.0
    >>> Pace().seconds_left(0, 100) is None
    True
    """

    def __init__(self, window: float = WINDOW_SECONDS):
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()
        self.started: float | None = None

    def add(self, now: float, done: int) -> None:
        if self.started is None:
            self.started = now
        self.samples.append((now, done))
        window = min(self.window, (now - self.started) / 2)  # a slow start soon falls out of it
        while len(self.samples) > 2 and now - self.samples[0][0] > window:
            self.samples.popleft()

    def seconds_left(self, done: int, total: int) -> float | None:
        """Time left at the recent pace; None until there is a pace to go by."""
        if len(self.samples) < 2 or done < 2 or done >= total:
            return None if done < total else 0.0
        (first, first_done), (last, last_done) = self.samples[0], self.samples[-1]
        if last - self.started < MIN_SECONDS or last <= first or last_done <= first_done:
            return None
        return (total - done) * (last - first) / (last_done - first_done)


def clock_text(seconds: float) -> str:
    """
    >>> clock_text(3.2), clock_text(125), clock_text(3725)
    ('0:03', '2:05', '1:02:05')
    """
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Bar:
    """`label [#####-----] done/total  elapsed  about N left`, redrawn in place at most ten times a second."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.clock = clock
        self.pace = Pace()
        self.started = clock()
        self.drawn_at: float | None = None
        self.pace.add(self.started, 0)

    def update(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        now = self.clock()
        self.pace.add(now, self.done)
        if self.drawn_at is None or now - self.drawn_at >= REDRAW_SECONDS or self.done == self.total:
            self.draw(now)

    def line(self, now: float) -> str:
        left = self.pace.seconds_left(self.done, self.total)
        forecast = "" if left is None or self.done == self.total else f"  about {clock_text(left)} left"
        text = f"  {self.done}/{self.total}  {clock_text(now - self.started)}{forecast}"
        room = shutil.get_terminal_size().columns - len(self.label) - len(text) - 4
        width = max(0, min(30, room))
        filled = width * self.done // self.total
        bar = f" [{'#' * filled}{'-' * (width - filled)}]" if width >= 5 else ""
        return f"{self.label}{bar}{text}"

    def draw(self, now: float) -> None:
        self.drawn_at = now
        self.stream.write("\r\x1b[K" + self.line(now))
        self.stream.flush()

    def finish(self) -> None:
        if self.drawn_at is not None:
            self.draw(self.clock())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()
