"""The forms of the calendar: new and edit session (live conflicts), time off, clients, welcome."""

from __future__ import annotations

from calendar_kit import at, notices, screen_text, settle, shown
from kara_tui.config import Settings
from kara_tui.domain import Money, Programme, SessionStatus
from kara_tui.ui.app import make_app
from kara_tui.ui.screens.clients import ClientForm, ClientsScreen
from kara_tui.ui.screens.confirm import ConfirmDialog
from kara_tui.ui.screens.session_form import SessionForm
from kara_tui.ui.screens.time_off import TimeOffForm
from kara_tui.ui.screens.welcome import WelcomeScreen
from kara_tui.ui.themes import shipped_themes_dir
from support.pilot import field, retype, type_text


async def test_n_books_a_session_on_the_first_free_hour(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        # Today after 12:30, the next whole hour is 13:00 (14:00 is Chloe's, so 13:00 it is).
        assert field(app, "start").value == "2026-11-18 13:00"
        assert "✓ the time is free" in screen_text(app)
        await type_text(pilot, "Ben")
        await pilot.press("tab")
        await retype(pilot, app, "service", "Assessment")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        booked = cal_practice.list_sessions(start=at(18, 13), end=at(18, 14))
        assert [(s.client_name, s.service, s.minutes) for s in booked] == [
            ("Ben Jones", "Assessment", 50)
        ]
        assert app.screen.selected == booked[0].id
        assert "Booked: Wed 18 Nov 2026 13:00–13:50 Ben Jones" in notices(app)


async def test_new_session_warns_live_and_books_anyway_only_when_confirmed(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Anna Smith")
        await retype(pilot, app, "start", "2026-11-18 14:20")
        await settle(app, pilot)
        text = screen_text(app)
        assert "⚠ This time overlaps Chloe Patel's session at Wed 18 Nov 14:00" in text
        await retype(pilot, app, "start", "2026-11-20 14:00")
        await settle(app, pilot)
        assert "falls in time off (dentist)" in screen_text(app)
        await retype(pilot, app, "start", "2026-11-18 14:20")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Book it anyway?" in screen_text(app)
        await pilot.press("escape")  # no: back to the form, nothing booked
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        assert len(cal_practice.list_sessions(start=at(18, 14), end=at(18, 15))) == 1
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("enter")  # "Book anyway" has the focus
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        names = [
            s.client_name for s in cal_practice.list_sessions(start=at(18, 14), end=at(18, 15))
        ]
        assert names == ["Chloe Patel", "Anna Smith"]


async def test_new_session_form_refuses_bad_input_in_one_sentence_and_keeps_it(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = len(cal_practice.list_sessions())
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Nobody")
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(app, "#error") == "no client called 'Nobody'"
        await retype(pilot, app, "start", "2026-11-18 25:00")
        await settle(app, pilot)
        assert "'25:00' is not a time of day" in shown(app, "#conflicts")
        await retype(pilot, app, "start", "2026-11-19 16:00")
        await retype(pilot, app, "client", "Anna")
        await retype(pilot, app, "fee", "ninety")
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(app, "#error") == "'ninety' is not an amount (write it like 90.00)"
        assert field(app, "client").value == "Anna"  # nothing typed is lost
        assert len(cal_practice.list_sessions()) == before
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        assert len(cal_practice.list_sessions()) == before


async def test_e_edits_the_selected_session(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "e")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionForm)
        assert field(app, "start").value == "2026-11-18 14:00"
        # Issue 11: the time is not editable here (a reschedule, r); this test changed the
        # minutes before.
        assert field(app, "start").disabled and field(app, "minutes").disabled
        assert "To change the time, reschedule it (r)" in screen_text(app)
        await retype(pilot, app, "location", "Room 3")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        edited = cal_practice.get_session(ids["future"])
        assert (edited.minutes, edited.location, edited.status) == (
            50,
            "Room 3",
            SessionStatus.SCHEDULED,
        )
        assert "Saved" in notices(app)


async def test_b_blocks_time_off_and_the_calendar_shows_it(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("l", "b")  # Thursday 19
        await settle(app, pilot)
        assert isinstance(app.screen, TimeOffForm)
        assert field(app, "from").value == "2026-11-19"
        assert app.focused is field(app, "from")  # the dates are what a person changes first
        assert field(app, "to").value == "2026-11-19"  # the last day, included: one day
        assert "Blocks Thu 19 Nov 2026, 1 day" in screen_text(app)
        assert "1 booked session in this range stay booked" in screen_text(app).replace(
            "sessions", "session"
        )
        await pilot.press("tab", "tab", *"training", "enter")
        await settle(app, pilot)
        blocks = [(b.start, b.end) for b in cal_practice.list_time_off() if b.reason == "training"]
        assert blocks == [(at(19, 0), at(20, 0))]
        assert "time off: trai" in screen_text(app)


async def test_time_off_form_refuses_an_end_before_the_start(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        await retype(pilot, app, "to", "2026-11-17")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert shown(app, "#error") == "time off must end after it starts"
        assert len(cal_practice.list_time_off()) == 1


async def test_shift_c_lists_clients_and_adds_one(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        text = screen_text(app)
        assert "Anna Smith" in text and "sponsored" in text and "48 h" in text
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        await type_text(pilot, "Dana Lee")
        await pilot.press("tab")
        await type_text(pilot, "dana@example.com")
        await retype(pilot, app, "fee", "75")
        await retype(pilot, app, "window", "48")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        dana = cal_practice.find_client("Dana Lee")
        assert (dana.email, dana.fee, dana.window_hours, dana.programme) == (
            "dana@example.com",
            Money(7500, "GBP"),
            48,
            Programme.PRIVATE,
        )
        assert "Dana Lee" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.id == "calendar"


async def test_a_new_client_may_get_own_reminders_and_a_bad_lead_adds_nothing(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"Dana Lee")
        await retype(pilot, app, "reminders", "12")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        assert "'12' is not a reminder lead" in screen_text(app)
        assert "Dana Lee" not in [c.name for c in cal_practice.list_clients()]
        await retype(pilot, app, "reminders", "48,2")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert cal_practice.find_client("Dana Lee").reminder_leads == "48,2"


async def test_first_run_welcomes_and_leads_to_adding_a_client(empty_app) -> None:
    app = empty_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        assert "Your calendar is empty" in text
        assert "kara-tui clients add" in text
        assert "kara-tui feeds add" in text
        assert "kara-tui --demo" in text
        await pilot.press("C")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert "No clients yet" in screen_text(app)


async def test_config_keys_remap_bindings_by_id(cal_practice, cal_clock, ids, tmp_path) -> None:
    settings = Settings(path=tmp_path / "config.toml", keys={"attend": "A", "bogus": "z"})
    app = make_app(
        practice=cal_practice, settings=settings, clock=cal_clock, theme_dirs=[shipped_themes_dir()]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "unknown action 'bogus'" in notices(app)
        await pilot.press("a")  # no longer bound
        await settle(app, pilot)
        assert cal_practice.get_session(ids["past"]).status is SessionStatus.SCHEDULED
        await pilot.press("A")
        await settle(app, pilot)
        assert cal_practice.get_session(ids["past"]).status is SessionStatus.ATTENDED
        await pilot.press("question_mark")
        assert "A         mark attended" in screen_text(app)


async def test_palette_offers_noun_verb_commands_and_runs_them(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view: month")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "view: month" in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.view.value == "month"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"session: ")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "session: cancel" in text and "session: mark attended" in text


async def test_palette_theme_is_applied_and_remembered(app, ids, settings) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await app.screen.run_action("app.use_theme('kara-light')")
        await settle(app, pilot)
        assert app.theme == "kara-light"
    assert 'theme = "kara-light"' in settings.path.read_text()


async def test_time_off_to_is_the_last_day_and_each_date_shows_what_it_means(
    app, ids, cal_practice
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")  # Wednesday 18 November
        await settle(app, pilot)
        await retype(pilot, app, "from", "next friday")
        await retype(pilot, app, "to", "2026-11-24")
        await settle(app, pilot)
        assert shown(app, "#from-echo") == "→ Fri 20 Nov 2026"
        assert shown(app, "#to-echo") == "→ Tue 24 Nov 2026"
        assert "Blocks Fri 20 Nov – Tue 24 Nov 2026, 5 days" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, TimeOffForm)
        assert (at(20, 0), at(25, 0)) in [(b.start, b.end) for b in cal_practice.list_time_off()]


async def test_the_currency_box_is_no_tab_stop_with_one_currency(app, ids, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C", "a")
        await settle(app, pilot)
        field(app, "fee").focus()
        await pilot.press("tab")
        assert app.focused is field(app, "window")  # one currency: straight past the box
        assert field(app, "currency").value == "GBP"


async def test_the_currency_box_is_a_tab_stop_where_clients_pay_in_another(
    app, ids, cal_practice
) -> None:
    cal_practice.add_client("Eva Roth", fee=Money(10000, "EUR"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("C", "a")
        await settle(app, pilot)
        field(app, "fee").focus()
        await pilot.press("tab")
        assert app.focused is field(app, "currency")


async def test_ctrl_a_selects_a_typed_date_so_retyping_replaces_it(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        field(app, "start").focus()
        await pilot.press("end", "ctrl+a", *"2026-11-19 15:00")
        assert field(app, "start").value == "2026-11-19 15:00"
        await pilot.press("ctrl+a", "backspace")
        await pilot.pause()
        assert field(app, "start").value == ""
        assert field(app, "start").placeholder == "YYYY-MM-DD HH:MM"
        assert "YYYY-MM-DD HH:MM" in screen_text(app)


async def test_the_client_picker_shows_ids_where_names_could_be_confused(
    app, ids, cal_practice
) -> None:
    smyth = cal_practice.add_client("Anna Smyth", fee=Money(7000, "GBP"))
    anna = cal_practice.find_client("Anna Smith")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"Anna Sm")
        await settle(app, pilot)
        assert shown(app, "#client-echo") == (
            f"→ 2 clients match: Anna Smith (id {anna.id}), Anna Smyth (id {smyth.id}); "
            "type more, or the id"
        )
        await pilot.press("right")  # take the suggestion: it carries the id
        await pilot.pause()
        assert field(app, "client").value == f"Anna Smith (id {anna.id})"
        await retype(pilot, app, "client", f"#{smyth.id}")
        await settle(app, pilot)
        assert shown(app, "#client-echo") == f"→ Anna Smyth (id {smyth.id})"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.id == "calendar"
        [booked] = cal_practice.list_sessions(client_id=smyth.id)
        assert booked.fee == Money(7000, "GBP")
