"""Rules for planning a post and its per-channel variants: hashtags, web addresses and asset
links, planned times, and the non-blocking warnings shown while planning (a caption copied
across platforms, a missing link to the official website)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from planner.domain.errors import N_, RuleViolated, Violation

URL_LIMIT = 500
HASHTAG_LIMIT = 30  # tags on one post
HASHTAG_LENGTH = 100  # characters of one tag, "#" included
HASHTAGS_TOTAL = 500  # the column's size
ASSET_LINKS_LIMIT = 20
CAPTION_LIMIT = 5000
NOTES_LIMIT = 2000
CAMPAIGN_LIMIT = 120

_TAG = re.compile(r"^#\w+$")


def is_web_address(value: str) -> bool:
    """An http(s) address with a host, no longer than the columns hold."""
    if not value or len(value) > URL_LIMIT or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def website_link(value: str | None) -> str | None:
    """The link to the article on the official website, or None when left empty."""
    value = (value or "").strip()
    if not value:
        return None
    if not is_web_address(value):
        raise RuleViolated.one("website_url", N_("Enter a web address starting with http:// or "
                                                 "https:// (at most %(limit)s characters)."),
                               limit=URL_LIMIT)
    return value


def hashtags(text: str | None) -> str:
    """Hashtags as one space-separated string: split on spaces and commas, each given its
    "#", duplicates (ignoring case) dropped, first spelling kept."""
    seen, tags = set(), []
    for word in re.split(r"[\s,]+", text or ""):
        word = word.strip()
        if not word:
            continue
        tag = word if word.startswith("#") else f"#{word}"
        if not _TAG.match(tag):
            raise RuleViolated.one("hashtags", N_("%(tag)s is not a hashtag: use letters, digits "
                                                  "and _ only."), tag=tag[:40])
        if len(tag) > HASHTAG_LENGTH:
            raise RuleViolated.one("hashtags", N_("A hashtag can be at most %(limit)s characters."),
                                   limit=HASHTAG_LENGTH)
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > HASHTAG_LIMIT:
        raise RuleViolated.one("hashtags", N_("A post can have at most %(limit)s hashtags."),
                               limit=HASHTAG_LIMIT)
    joined = " ".join(tags)
    if len(joined) > HASHTAGS_TOTAL:
        raise RuleViolated.one("hashtags", N_("The hashtags can be at most %(limit)s characters "
                                              "together."), limit=HASHTAGS_TOTAL)
    return joined


def campaign(text: str | None) -> str | None:
    value = " ".join((text or "").split())
    if len(value) > CAMPAIGN_LIMIT:
        raise RuleViolated.one("campaign", N_("A campaign name can be at most %(limit)s characters."),
                               limit=CAMPAIGN_LIMIT)
    return value or None


def asset_links(text: str | None) -> str:
    """The asset links, one http(s) address per line; blank lines dropped."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines:
        if not is_web_address(line):
            raise RuleViolated.one("asset_links", N_("%(line)s is not a web address: put one "
                                                     "address starting with https:// on each line."),
                                   line=line[:80])
    if len(lines) > ASSET_LINKS_LIMIT:
        raise RuleViolated.one("asset_links", N_("Give at most %(limit)s asset links."),
                               limit=ASSET_LINKS_LIMIT)
    return "\n".join(lines)


def bounded_text(field: str, text: str | None, limit: int) -> str:
    value = (text or "").strip()
    if len(value) > limit:
        raise RuleViolated.one(field, N_("At most %(limit)s characters."), limit=limit)
    return value


def collect(*checks) -> list:
    """Run each check; their values, or one RuleViolated with the problems of all of them."""
    problems, values = [], []
    for check in checks:
        try:
            values.append(check())
        except RuleViolated as error:
            problems.extend(error.violations)
    if problems:
        raise RuleViolated(problems)
    return values


def plan_texts(campaign_name: str | None, tags: str | None, website_url: str | None) -> dict:
    """The campaign, hashtags and website link of a post, cleaned (every problem at once)."""
    values = collect(lambda: campaign(campaign_name), lambda: hashtags(tags),
                     lambda: website_link(website_url))
    return dict(zip(("campaign", "hashtags", "website_url"), values))


@dataclass(frozen=True)
class Publication:
    """Where one variant went out, and when (None: at the moment it is recorded)."""

    url: str
    published_at: datetime | None = None


def variant_publications(entries: dict[int, Publication], channels: dict[int, str],
                         now: datetime) -> list[tuple[int, str, datetime]]:
    """(variant id, address, time it went out) for each variant given an address.
    `channels` names the post's variants by id; an id not among them is refused."""
    cleaned, problems = [], []
    for variant_id, entry in entries.items():
        url = (entry.url or "").strip()
        if not url:
            continue
        if variant_id not in channels:
            problems.append(Violation("urls", N_("This variant belongs to another post."), {}))
        elif not is_web_address(url):
            problems.append(Violation("urls", N_("%(url)s is not a web address (https://…)."),
                                      {"url": url[:80]}))
        elif entry.published_at is not None and entry.published_at > now:
            problems.append(Violation("urls", N_("%(channel)s: the time it went out cannot lie in "
                                                 "the future."),
                                      {"channel": channels[variant_id], "url": url[:80]}))
        else:
            cleaned.append((variant_id, url, entry.published_at or now))
    if problems:
        raise RuleViolated(problems)
    return cleaned


def planned_time(planned_at: datetime | None, now: datetime, *, previous: datetime | None = None,
                 is_new: bool = True, field: str = "planned_at") -> None:
    """A new plan may not lie in the past; an existing one may keep its (past) time, but a
    changed time must lie in the future."""
    if planned_at is None or planned_at >= now:
        return
    if not is_new and previous is not None and planned_at == previous:
        return
    raise RuleViolated.one(field, N_("This time has already passed: plan the publication for a "
                                     "time in the future."))


# -- warnings while planning --------------------------------------------------------------

@dataclass(frozen=True)
class VariantText:
    """What the warnings read of a variant: the channel's name and its caption."""

    channel: str
    caption: str


def caption_key(caption: str) -> str:
    """A caption compared as a reader sees it: whitespace collapsed, case ignored."""
    return " ".join((caption or "").split()).casefold()


def copied_captions(variants: list[VariantText]) -> list[Violation]:
    """One warning per caption that appears on two or more channels (empty ones aside)."""
    groups: dict[str, list[str]] = {}
    for variant in variants:
        key = caption_key(variant.caption)
        if key:
            groups.setdefault(key, []).append(variant.channel)
    return [Violation("caption", N_("The same caption goes to %(channels)s: write it for each "
                                    "platform's audience."), {"channels": ", ".join(channels)})
            for channels in groups.values() if len(channels) > 1]


def missing_website_link(website_url: str | None, required: bool) -> list[Violation]:
    if required and not (website_url or "").strip():
        return [Violation("website_url", N_("The unit's settings ask every post to link to its "
                                            "article on the official website; this one has no link."))]
    return []


def planning_warnings(variants: list[VariantText], website_url: str | None,
                      require_website_link: bool) -> list[Violation]:
    """The warnings that do not block saving: a copied caption, a missing website link."""
    return copied_captions(variants) + missing_website_link(website_url, require_website_link)
