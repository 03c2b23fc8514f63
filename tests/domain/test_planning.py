"""The planning rules: hashtags, web addresses and asset links, planned times, and the
warnings shown while planning."""
from datetime import datetime, timedelta, timezone

import pytest

from planner.domain import planning
from planner.domain.errors import RuleViolated

NOW = datetime(2030, 5, 1, 2, 0, tzinfo=timezone.utc)


def fields(error: RuleViolated) -> list[str]:
    return [v.field for v in error.violations]


def test_hashtags_are_split_on_spaces_and_commas_given_their_hash_and_deduplicated():
    assert planning.hashtags("PemkoTanjungpinang, #Gurindam12  #pemkotanjungpinang,,kepri") == \
        "#PemkoTanjungpinang #Gurindam12 #kepri"
    assert planning.hashtags("") == "" and planning.hashtags(None) == ""


@pytest.mark.parametrize("text", ["#ok #bad-tag", "#", "tag!", "##double"])
def test_a_word_that_is_not_a_hashtag_is_refused(text):
    with pytest.raises(RuleViolated) as error:
        planning.hashtags(text)
    assert fields(error.value) == ["hashtags"]


def test_hashtags_are_bounded_in_number_and_length():
    with pytest.raises(RuleViolated):
        planning.hashtags(" ".join(f"#t{n}" for n in range(planning.HASHTAG_LIMIT + 1)))
    assert len(planning.hashtags(" ".join(f"#t{n}" for n in range(planning.HASHTAG_LIMIT))).split()) == 30
    with pytest.raises(RuleViolated):
        planning.hashtags("#" + "a" * planning.HASHTAG_LENGTH)
    with pytest.raises(RuleViolated):  # thirty long tags exceed what the column holds
        planning.hashtags(" ".join(f"#{'x' * 40}{n}" for n in range(15)))


@pytest.mark.parametrize("value,ok", [
    ("https://tanjungpinangkota.go.id/berita/1", True), ("http://example.test/a?b=c", True),
    ("ftp://example.test/x", False), ("javascript:alert(1)", False), ("https://", False),
    ("tanjungpinangkota.go.id", False), ("https://a.test/" + "x" * 500, False),
    ("https://a.test/with space", False), ("https://[bad/", False)])
def test_web_addresses_are_http_or_https_with_a_host_and_bounded(value, ok):
    assert planning.is_web_address(value) is ok


def test_the_website_link_is_optional_but_must_be_an_address():
    assert planning.website_link("  ") is None
    assert planning.website_link(" https://x.test/a ") == "https://x.test/a"
    with pytest.raises(RuleViolated) as error:
        planning.website_link("www.x.test")
    assert fields(error.value) == ["website_url"]


def test_asset_links_take_one_address_per_line():
    assert planning.asset_links("https://drive.test/a\n\n  https://drive.test/b  \n") == \
        "https://drive.test/a\nhttps://drive.test/b"
    with pytest.raises(RuleViolated) as error:
        planning.asset_links("https://drive.test/a https://drive.test/b")
    assert fields(error.value) == ["asset_links"]
    with pytest.raises(RuleViolated):
        planning.asset_links("\n".join(f"https://d.test/{n}" for n in range(planning.ASSET_LINKS_LIMIT + 1)))


def test_campaign_is_trimmed_and_bounded():
    assert planning.campaign("  Bulan   Bakti  ") == "Bulan Bakti"
    assert planning.campaign("") is None
    with pytest.raises(RuleViolated):
        planning.campaign("x" * 121)


def test_plan_texts_reports_every_problem_at_once():
    with pytest.raises(RuleViolated) as error:
        planning.plan_texts("x" * 121, "#a-b", "nope")
    assert fields(error.value) == ["campaign", "hashtags", "website_url"]


def test_a_new_plan_in_the_past_is_refused_an_existing_one_may_keep_its_time():
    planning.planned_time(None, NOW)
    planning.planned_time(NOW + timedelta(minutes=1), NOW)
    with pytest.raises(RuleViolated) as error:
        planning.planned_time(NOW - timedelta(minutes=1), NOW)
    assert fields(error.value) == ["planned_at"]
    past = NOW - timedelta(days=2)
    planning.planned_time(past, NOW, previous=past, is_new=False)  # kept as it was
    with pytest.raises(RuleViolated):  # moved, but still into the past
        planning.planned_time(past - timedelta(hours=1), NOW, previous=past, is_new=False)


def test_a_caption_copied_across_platforms_is_flagged_naming_the_channels():
    texts = [planning.VariantText("IG Prokompim", "Wali Kota membuka  Musrenbang."),
             planning.VariantText("FB Prokompim", "wali kota membuka\nmusrenbang."),
             planning.VariantText("X Prokompim", "Ikuti Musrenbang, sampaikan usulanmu!"),
             planning.VariantText("WA", ""), planning.VariantText("Situs", "  ")]
    warnings = planning.copied_captions(texts)
    assert len(warnings) == 1
    assert warnings[0].field == "caption"
    assert warnings[0].params["channels"] == "IG Prokompim, FB Prokompim"


def test_distinct_captions_and_a_single_variant_raise_no_warning():
    assert planning.copied_captions([planning.VariantText("IG", "a")]) == []
    assert planning.copied_captions([planning.VariantText("IG", "a"), planning.VariantText("FB", "b")]) == []


def test_the_website_link_is_missed_only_where_the_settings_require_it():
    assert planning.missing_website_link(None, False) == []
    assert planning.missing_website_link("https://x.test", True) == []
    assert [v.field for v in planning.missing_website_link("", True)] == ["website_url"]
    both = planning.planning_warnings([planning.VariantText("IG", "a"), planning.VariantText("FB", "A")],
                                      None, True)
    assert [v.field for v in both] == ["caption", "website_url"]


def test_variant_publications_take_the_time_given_or_now_and_refuse_the_future():
    channels = {1: "IG", 2: "FB", 3: "X"}
    earlier = NOW - timedelta(hours=2)
    got = planning.variant_publications({1: planning.Publication("https://i.test/p/1", earlier),
                                         2: planning.Publication("https://f.test/2"),
                                         3: planning.Publication("  ")}, channels, NOW)
    assert got == [(1, "https://i.test/p/1", earlier), (2, "https://f.test/2", NOW)]
    with pytest.raises(RuleViolated) as error:
        planning.variant_publications({1: planning.Publication("https://i.test/1", NOW + timedelta(minutes=5)),
                                       9: planning.Publication("https://x.test/9"),
                                       2: planning.Publication("not an address")}, channels, NOW)
    assert len(error.value.violations) == 3
    assert error.value.violations[0].params["channel"] == "IG"
