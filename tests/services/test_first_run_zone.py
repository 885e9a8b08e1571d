"""A new database takes the machine's zone and currency; an existing one keeps its own."""

from __future__ import annotations

from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.services.practice import Practice


def test_a_new_database_takes_the_machines_zone(tmp_path, clock, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    engine = make_engine(f"sqlite:///{tmp_path / 'kara.db'}")
    upgrade(engine)
    pro = Practice(engine, clock).ensure_professional()
    assert (pro.timezone, pro.default_currency) == ("America/New_York", "GBP")
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # moving the laptop changes nothing stored
    assert Practice(engine, clock).professional().timezone == "America/New_York"
    engine.dispose()


def test_the_cli_settings_show_the_zone_taken(cli, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    result = cli("settings", "show")
    assert result.code == 0, result.err
    assert "Europe/Paris" in result.out
