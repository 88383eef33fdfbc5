"""The progress bar's time left follows the recent pace: a slow start does not forecast minutes for seconds."""
from __future__ import annotations

import io

from casegraph.commands.progress import Bar, Pace


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_slow_start_does_not_forecast_minutes_for_seconds():
    # 240 files: two seconds to start the workers and check the first, then 80 files a second
    clock, out = Clock(), io.StringIO()
    bar = Bar("loading", 240, stream=out, clock=clock)
    clock.now = 2.0
    bar.update(1)
    for _ in range(79):
        clock.now += 1 / 80
        bar.update(1)
    for _ in range(40):
        clock.now += 1 / 80
        bar.update(1)
    # 120 done at t=3.5 s; 120 left at 80 a second is 1.5 s
    left = bar.pace.seconds_left(bar.done, bar.total)
    assert left is not None and 1.0 < left < 3.0, left
    assert "about 0:0" in bar.line(clock.now)


def test_no_forecast_before_there_is_a_pace():
    clock = Clock()
    bar = Bar("loading", 100, stream=io.StringIO(), clock=clock)
    clock.now = 0.2
    bar.update(1)
    assert "about" not in bar.line(clock.now)


def test_the_bar_ends_its_line_and_says_done():
    clock, out = Clock(), io.StringIO()
    with Bar("checking", 3, stream=out, clock=clock) as bar:
        for _ in range(3):
            clock.now += 1
            bar.update(1)
    assert out.getvalue().endswith("\n") and "3/3" in out.getvalue() and "left" not in out.getvalue().splitlines()[-1]


def test_pace_forgets_the_distant_past():
    pace = Pace(window=5)
    pace.add(0, 0)
    pace.add(60, 1)  # one very slow step, a minute ago
    for second in range(61, 72):
        pace.add(second, (second - 60) * 10 + 1)
    assert pace.seconds_left(111, 211) < 15
