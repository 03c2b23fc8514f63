"""Rules for channels, follower counts and planner settings, and the follower sparkline."""
from datetime import date

from planner.domain.channel_rules import (check_channel, check_follower_count, check_settings,
                                          is_web_address, normalise_handle, same_handle, sparkline)
from planner.domain.content import Platform


def fields(problems):
    return [p.field for p in problems]


def test_an_online_account_needs_a_handle_or_an_address():
    assert fields(check_channel(Platform.INSTAGRAM, "IG Pemkot", "", "", 3)) == ["handle"]
    assert check_channel(Platform.INSTAGRAM, "IG Pemkot", "@pemkot", "", 3) == []
    assert check_channel(Platform.WEBSITE, "Portal", "", "https://kota.go.id", None) == []


def test_a_whatsapp_cascade_or_an_offline_forum_is_known_by_its_name():
    assert check_channel(Platform.WHATSAPP, "Grup kecamatan", "", "", None) == []
    assert check_channel(Platform.OFFLINE, "Forum warga RW 03", "", "", 1) == []
    assert fields(check_channel(Platform.WHATSAPP, "  ", "", "", None)) == ["name"]


def test_only_web_addresses_and_targets_up_to_a_hundred():
    assert fields(check_channel(Platform.X, "X", "@x", "javascript:alert(1)", 3)) == ["url"]
    assert fields(check_channel(Platform.X, "X", "@x", "ftp://kota.go.id", 3)) == ["url"]
    assert fields(check_channel(Platform.X, "X", "@x", "", 101)) == ["weekly_target"]
    assert fields(check_channel(Platform.X, "X", "@x", "", -1)) == ["weekly_target"]
    assert check_channel(Platform.X, "X", "@x", "http://x.com/pemkot", 0) == []
    assert not is_web_address("https://kota.go.id/a b")
    assert not is_web_address("https://[kota.go.id")  # urlsplit raises on it


def test_handles_are_trimmed_and_compared_without_case():
    assert normalise_handle("  @Pemkot   Uji ") == "@Pemkot Uji"
    assert same_handle("@PemkotUji", " @pemkotuji")
    assert not same_handle("@pemkot", "@pemkot2")


def test_a_count_is_of_a_day_begun_and_a_whole_number_from_zero():
    today = date(2026, 3, 10)
    assert check_follower_count(today, 0, today) == []
    assert fields(check_follower_count(date(2026, 3, 11), 10, today)) == ["recorded_on"]
    assert fields(check_follower_count(date(1999, 12, 31), 10, today)) == ["recorded_on"]
    assert fields(check_follower_count(today, -1, today)) == ["followers"]
    assert fields(check_follower_count(None, None, today)) == ["recorded_on", "followers"]


def test_settings_bounds():
    assert check_settings(0, None) == [] and check_settings(1440, 100) == []
    assert fields(check_settings(1441, None)) == ["slot_tolerance_minutes"]
    assert fields(check_settings(None, 101)) == ["slot_tolerance_minutes", "distribution_target_percent"]


def test_the_sparkline_spreads_counts_by_date_and_scales_between_low_and_high():
    points = sparkline([(date(2026, 1, 11), 200), (date(2026, 1, 1), 100), (date(2026, 1, 6), 150)],
                       width=106, height=26, pad=3)
    assert points == "3.0,23.0 53.0,13.0 103.0,3.0"
    assert sparkline([(date(2026, 1, 1), 5)]) == ""
    flat = sparkline([(date(2026, 1, 1), 5), (date(2026, 1, 2), 5)], width=10, height=10, pad=0)
    assert flat == "0.0,5.0 10.0,5.0"
