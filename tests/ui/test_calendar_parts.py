"""The calendar's pure parts: spans, lanes, words for states, free slots, themes, the keys table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_kit import at
from kara_tui.domain import Cancellation, Money, Reason, Session, SessionStatus
from kara_tui.timeparse import day_start
from kara_tui.ui import format as fmt
from kara_tui.ui import keys
from kara_tui.ui.calendar_data import (
    Span,
    View,
    add_months,
    clashing_with_events,
    free_start,
    load,
    overlapping_sessions,
    span_for,
)
from kara_tui.ui.layout import ROWS_PER_HOUR, day_blocks, rows_for
from kara_tui.ui.themes import APP_VARIABLES, load_themes, shipped_themes_dir

LONDON = ZoneInfo("Europe/London")


def session(id: int, start: datetime, minutes: int = 50, **kw: object) -> Session:
    return Session(
        id=id,
        uid=f"{id}@test",
        professional_id=1,
        client_id=1,
        client_name="Anna Smith",
        start=start,
        end=start + timedelta(minutes=minutes),
        fee=Money(9000, "GBP"),
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("view", "cursor", "span"),
    [
        (View.DAY, date(2026, 11, 18), Span(date(2026, 11, 18), 1)),
        (View.WEEK, date(2026, 11, 22), Span(date(2026, 11, 16), 7)),
        (View.MONTH, date(2026, 11, 18), Span(date(2026, 10, 26), 42)),
        (View.AGENDA, date(2026, 11, 18), Span(date(2026, 11, 18), 28)),
    ],
)
def test_each_view_shows_its_span(view, cursor, span) -> None:
    assert span_for(view, cursor) == span


def test_the_agenda_keeps_its_start_while_the_cursor_is_inside() -> None:
    assert span_for(View.AGENDA, date(2026, 11, 30), date(2026, 11, 18)).first == date(2026, 11, 18)
    assert span_for(View.AGENDA, date(2026, 12, 20), date(2026, 11, 18)).first == date(2026, 12, 20)


def test_months_clamp_to_the_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


def test_overlapping_sessions_sit_in_lanes_side_by_side() -> None:
    a = session(1, at(18, 10))
    b = session(2, at(18, 10, 30))
    c = session(3, at(18, 11))  # overlaps b only, can reuse a's lane
    d = session(4, at(18, 14))
    blocks = {blk.item.id: blk for blk in day_blocks(date(2026, 11, 18), LONDON, [a, b, c, d])}
    assert (blocks[1].lane, blocks[2].lane, blocks[3].lane) == (0, 1, 0)
    assert blocks[1].lanes == blocks[2].lanes == blocks[3].lanes == 2
    assert (blocks[4].lane, blocks[4].lanes) == (0, 1)
    assert (blocks[1].top, blocks[1].bottom) == (10 * ROWS_PER_HOUR, 10 * ROWS_PER_HOUR + 3)


def test_rows_follow_the_wall_clock_on_a_clock_change_day() -> None:
    # 29 March 2026: London jumps from 01:00 to 02:00. A 10:00 BST session is at row 30.
    start = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    assert rows_for(start, start + timedelta(minutes=50), date(2026, 3, 29), LONDON) == (30, 33)


def test_live_overlaps_are_conflicts_cancelled_ones_are_not() -> None:
    cancelled = session(3, at(18, 10), status=SessionStatus.CANCELLED)
    sessions = [session(1, at(18, 10)), session(2, at(18, 10, 40)), cancelled]
    assert overlapping_sessions(sessions) == {1, 2}


def test_states_read_in_words_and_glyphs() -> None:
    late = Cancellation(Reason.CLIENT, "", at(17, 0), 9.0, late=True, charged=True)
    early = Cancellation(Reason.PROFESSIONAL, "", at(10, 0), 72.0, late=False, charged=False)
    assert fmt.status_word(session(1, at(18, 10))) == "● scheduled"
    assert fmt.status_word(session(1, at(18, 10), status=SessionStatus.ATTENDED)) == "✓ attended"
    assert fmt.status_word(session(1, at(18, 10), status=SessionStatus.NO_SHOW)) == "✗ no-show"
    cancelled = SessionStatus.CANCELLED
    assert (
        fmt.status_word(session(1, at(18, 10), status=cancelled, cancellation=late))
        == "⊘ late · by client"
    )
    assert (
        fmt.status_word(session(1, at(18, 10), status=cancelled, cancellation=early))
        == "⊘ cancelled · by you"
    )


def test_outside_text_is_cleaned_and_privacy_shows_initials() -> None:
    assert fmt.clean("Anna\x1b[31m Smith\nline") == "Anna[31m Smith line"
    assert fmt.display_name("Anna van der Berg", privacy=True) == "A.V.D.Be."


def test_the_suggested_start_is_the_first_free_hour_after_now(cal_practice, ids, cal_clock) -> None:
    data = load(cal_practice, span_for(View.WEEK, date(2026, 11, 18)), cal_clock)
    assert free_start(data, date(2026, 11, 18), 50) == at(18, 13)  # now is 12:30, 14:00 is taken
    assert free_start(data, date(2026, 11, 19), 50) == at(19, 9)
    assert free_start(data, date(2026, 11, 16), 50) == at(16, 9)  # 10:00 is Anna's, 09:00 is free


def test_busy_event_conflicts_agree_with_the_service(cal_practice, ids, cal_clock) -> None:
    span = span_for(View.MONTH, date(2026, 11, 18))
    data = load(cal_practice, span, cal_clock)
    start, end = day_start(span.first, LONDON), day_start(span.last + timedelta(days=1), LONDON)
    expected = cal_practice.sessions_overlapping_busy_events(start, end)
    assert (
        clashing_with_events(data.sessions, data.events, data.tz, data.feeds)
        == expected
        == {ids["external"]}
    )
    assert data.conflicts == {ids["external"]}


def test_shipped_themes_load_with_every_session_colour() -> None:
    loaded = load_themes([shipped_themes_dir()])
    assert loaded.problems == []
    names = {t.name for t in loaded.themes}
    assert {"kara-dark", "kara-light", "kara-high-contrast"} <= names
    for theme in loaded.themes:
        assert set(APP_VARIABLES) <= set(theme.variables), theme.name


def test_a_broken_theme_is_reported_with_its_path_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('name = "mine"\nprimary = "#123456"\n')
    (tmp_path / "bad.toml").write_text("name = [unclosed\n")
    (tmp_path / "colour.toml").write_text('name = "odd"\nprimary = "not-a-colour"\n')
    loaded = load_themes([tmp_path, tmp_path / "missing"])
    assert [t.name for t in loaded.themes] == ["mine"]
    assert len(loaded.problems) == 2
    assert any(str(tmp_path / "bad.toml") in p and "not valid TOML" in p for p in loaded.problems)
    assert any("'primary' = 'not-a-colour' is not a colour" in p for p in loaded.problems)


async def test_the_app_starts_despite_a_broken_user_theme(
    cal_practice, cal_clock, tmp_path
) -> None:
    from calendar_kit import notices, settle
    from kara_tui.config import Settings
    from kara_tui.ui.app import make_app

    user = tmp_path / "themes"
    user.mkdir()
    (user / "broken.toml").write_text("primary = 3\n")
    app = make_app(
        practice=cal_practice,
        settings=Settings(path=tmp_path / "c.toml", theme="nope"),
        clock=cal_clock,
        theme_dirs=[shipped_themes_dir(), user],
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.theme == "kara-dark"
        said = notices(app)
        assert f"{user / 'broken.toml'}: 'primary' should be a colour" in said
        assert "theme 'nope' not found; using kara-dark" in said


def test_every_binding_has_an_id_a_palette_name_and_a_unique_key() -> None:
    ids = [spec.id for spec in keys.SPECS]
    assert len(ids) == len(set(ids))
    assert all(": " in spec.command for spec in keys.SPECS)
    pressed = [k for spec in keys.SPECS for k in spec.keys.split(",")]
    assert len(pressed) == len(set(pressed))
    assert keys.shown_key(keys.BY_ID["cancel"], {"cancel": "C"}) == "C"
    assert keys.check_keymap({"cancel": "C", "nope": "z"}) == [
        f"config [keys]: unknown action 'nope' (known: {', '.join(keys.BY_ID)})"
    ]


def test_now_is_shown_in_the_practice_zone() -> None:
    assert fmt.when(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), LONDON) == "Wed 1 Jul 2026 10:00"


def test_the_grid_shades_each_days_own_working_hours() -> None:
    from kara_tui.domain import WorkingHours
    from kara_tui.ui.layout import working_rows

    hours = WorkingHours.parse("mon-thu 09:00-19:00; fri 09:00-15:00")
    thursday, friday, saturday = date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 21)
    assert working_rows(thursday, hours) == range(9 * ROWS_PER_HOUR, 19 * ROWS_PER_HOUR)
    assert working_rows(friday, hours) == range(9 * ROWS_PER_HOUR, 15 * ROWS_PER_HOUR)
    assert working_rows(saturday, hours) == range(0)
