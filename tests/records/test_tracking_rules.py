"""The rules of public tracking without a server: tokens, the words of each stage, languages,
client addresses, the per-address limit, the page's HTML, the settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from center.records.crypto import RecordsCipher
from center.records.tracking import (
    AddressLimiter,
    FollowUpStage,
    Stage,
    TrackingFacts,
    choose_language,
    client_address,
    stage_of,
    tracking_url,
    tracking_view,
)
from center.records.tracking_page import case_page, message_page, other_language_href
from signaling.config import ConfigError, load_config

NUMBER = "JA01-20261122-0007"
UTC = dt.UTC


def facts(**changes: object) -> TrackingFacts:
    values: dict[str, object] = {
        "case_number": NUMBER,
        "item_name": "长期护理保险申请",
        "opened_at": dt.datetime(2026, 11, 22, 17, 30, tzinfo=UTC),  # 01:30 next day in Shanghai
        "closed_at": None,
        "status": "open",
        "outcome": None,
        "missing_materials": (),
        "referred_to": "",
        "follow_up": None,
        "center_name": "测试中心",
        "center_phone": "",
    }
    values.update(changes)
    return TrackingFacts(**values)  # type: ignore[arg-type]


def test_tokens_are_stable_per_key_and_differ_between_numbers_and_keys() -> None:
    cipher = RecordsCipher(b"k" * 32)
    token = cipher.tracking_token(NUMBER)
    assert token == RecordsCipher(b"k" * 32).tracking_token(NUMBER)
    assert len(token) == 16 and token == token.lower() and token.isalnum()
    assert cipher.tracking_token("JA01-20261122-0008") != token
    assert RecordsCipher(b"j" * 32).tracking_token(NUMBER) != token
    assert cipher.tracking_token_matches(NUMBER, token)
    assert cipher.tracking_token_matches(NUMBER, f" {token.upper()} ")
    assert not cipher.tracking_token_matches(NUMBER, token[:-1])
    assert not cipher.tracking_token_matches(NUMBER, "")
    assert not cipher.tracking_token_matches(NUMBER, "令牌" * 8)
    assert not cipher.tracking_token_matches("JA01-20261122-0008", token)


def test_the_url_quotes_the_number_and_keeps_one_slash() -> None:
    assert (
        tracking_url("https://v.example.org/", NUMBER, "abc")
        == f"https://v.example.org/track/{NUMBER}?t=abc"
    )


@pytest.mark.parametrize(
    ("status", "outcome", "stage"),
    [
        ("open", None, Stage.IN_PROGRESS),
        ("closed", "accepted", Stage.ACCEPTED),
        ("closed", "needs_more", Stage.NEEDS_MORE),
        ("closed", "referred", Stage.REFERRED),
        ("closed", "cannot_be_done", Stage.CANNOT_BE_DONE),
        ("closed", "something new", Stage.IN_PROGRESS),
    ],
)
def test_the_stage_of_a_case(status: str, outcome: str | None, stage: Stage) -> None:
    assert stage_of(facts(status=status, outcome=outcome)) is stage


def test_the_view_says_the_stage_in_each_language_with_local_dates() -> None:
    closed = facts(
        status="closed",
        outcome="needs_more",
        missing_materials=("户口簿",),
        closed_at=dt.datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        referred_to="ignored unless referred",
    )
    zh = tracking_view(closed, "Asia/Shanghai", "zh")
    assert zh["status_text"] == "需补充材料" and zh["missing_materials"] == ["户口簿"]
    assert zh["referred_to"] == ""
    assert (zh["opened_on"], zh["closed_on"]) == ("2026-11-23", "2026-11-23")
    en = tracking_view(closed, "Asia/Shanghai", "en")
    assert en["status_text"] == "More materials needed" and en["language"] == "en"
    cannot = tracking_view(
        facts(status="closed", outcome="cannot_be_done", follow_up=FollowUpStage.OPEN),
        "Asia/Shanghai",
        "zh",
    )
    assert cannot["status_text"] == "办不成事" and cannot["follow_up"]["status"] == "open"
    assert cannot["missing_materials"] == []


@pytest.mark.parametrize(
    ("lang", "accept", "chosen"),
    [
        ("", "", "zh"),
        ("en", "zh-CN", "en"),
        ("EN-us", "", "en"),
        ("zh", "en", "zh"),
        ("fr", "en-GB,en;q=0.9", "en"),
        ("", "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("", "en;q=0.4, zh-TW;q=0.8", "zh"),
        ("", "fr-FR, en;q=0.5", "en"),
        ("", "de, fr", "zh"),
        ("", "en;q=0", "zh"),
        ("", "en;q=abc", "zh"),
    ],
)
def test_the_language_asked_for(lang: str, accept: str, chosen: str) -> None:
    assert choose_language(lang, accept) == chosen


def test_the_client_address_believes_only_trusted_proxies() -> None:
    proxy = ("10.0.0.5",)
    assert client_address("198.51.100.9", "203.0.113.7", proxy) == "198.51.100.9"
    assert client_address("10.0.0.5", "203.0.113.7", proxy) == "203.0.113.7"
    # what the client wrote further left is not believed
    assert client_address("10.0.0.5", "1.2.3.4, 203.0.113.7", proxy) == "203.0.113.7"
    assert client_address("10.0.0.5", "", proxy) == "10.0.0.5"
    # one phone line's IPv6 /64 is one client
    assert client_address("2001:db8:1:2:aaaa::1", "", ()) == "2001:db8:1:2::/64"
    assert client_address("2001:db8:1:2:bbbb::9", "", ()) == "2001:db8:1:2::/64"
    assert client_address("::ffff:192.0.2.1", "", ()) == "192.0.2.1"
    assert client_address(None, "", ()) == "unknown"


def test_the_limiter_allows_a_burst_then_the_rate_per_address() -> None:
    limiter = AddressLimiter(rate_per_s=0.5, burst=3)
    assert [limiter.allow("a", 0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.retry_after_s("a") == pytest.approx(2.0)
    assert limiter.allow("b", 0.0)  # another address is not held up
    assert not limiter.allow("a", 1.0)
    assert limiter.allow("a", 2.1)
    assert not limiter.allow("a", 2.2)
    assert limiter.allow("a", 100.0) and limiter.allow("a", 100.0) and limiter.allow("a", 100.0)
    assert not limiter.allow("a", 100.0)


def test_the_limiter_forgets_the_least_recently_seen_addresses() -> None:
    limiter = AddressLimiter(rate_per_s=1.0, burst=1, max_addresses=3)
    for address in ("a", "b", "c"):
        assert limiter.allow(address, 0.0)
    assert not limiter.allow("a", 0.0)  # "a" is now the most recent
    assert limiter.allow("d", 0.0)
    assert len(limiter) == 3
    assert limiter.allow("b", 0.0)  # "b" was forgotten, so it starts afresh
    assert not limiter.allow("a", 0.0)  # "a" was kept


def test_the_page_escapes_what_clerks_typed_and_links_the_phone() -> None:
    view = tracking_view(
        facts(
            status="closed",
            outcome="referred",
            referred_to='<img src=x onerror="alert(1)">',
            item_name="A & B",
            center_phone="021-6487 0000",
        ),
        "Asia/Shanghai",
        "zh",
    )
    page = case_page(view, other_language_href("zh", {"t": "tok", "x": "dropped"}))
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "A &amp; B" in page
    assert 'href="tel:02164870000"' in page and "021-6487 0000" in page
    assert 'href="?t=tok&amp;lang=en"' in page and "dropped" not in page
    assert "已转办" in page and "<script" not in page


def test_the_not_found_page_is_the_same_whatever_was_asked() -> None:
    first = message_page("zh", "not_found_title", "not_found_text", other_language_href("zh", {}))
    again = message_page("zh", "not_found_title", "not_found_text", other_language_href("zh", {}))
    assert first == again and "没有找到这个办件" in first and 'href="?lang=en"' in first


def test_the_tracking_settings(tmp_path: Path) -> None:
    path = tmp_path / "vwindow.toml"
    path.write_text(
        "[records]\n"
        'public_url = "https://vwindow.example.org/"\n'
        "tracking_rate_per_min = 30\n"
        "tracking_burst = 5\n"
        'trusted_proxies = ["10.0.0.5"]\n'
        "[records.center_phones]\n"
        '"测试中心" = "021-64870000"\n',
        encoding="utf-8",
    )
    records = load_config(path, env={}).records
    assert records.public_url == "https://vwindow.example.org"
    assert records.center_phones == {"测试中心": "021-64870000"}
    assert (records.tracking_rate_per_min, records.tracking_burst) == (30, 5)
    assert records.trusted_proxies == ("10.0.0.5",)
    env = {"VWINDOW_PUBLIC_URL": "http://192.0.2.1:8420"}
    assert load_config(path, env=env).records.public_url == "http://192.0.2.1:8420"
    defaults = load_config(None, env={}).records
    assert defaults.public_url == "" and defaults.center_phones == {}


@pytest.mark.parametrize(
    "line",
    [
        'public_url = "vwindow.example.org"',
        'public_url = "https://vwindow.example.org/?x=1"',
        "tracking_burst = 0",
        "tracking_rate_per_min = -1",
        "center_phones = { a = 1 }",
    ],
)
def test_bad_tracking_settings_are_refused(tmp_path: Path, line: str) -> None:
    path = tmp_path / "vwindow.toml"
    path.write_text(f"[records]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[records\]"):
        load_config(path, env={})
