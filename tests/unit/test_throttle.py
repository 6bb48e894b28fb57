"""The abuse limits (throttle/limits.py): rates, token buckets, the message check and the client address."""

import pytest

from throttle.limits import (
    LimitError,
    MessageGuard,
    Rate,
    RateLimiter,
    client_address,
    parse_proxies,
    too_fast,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "rate"),
    [("20/minute", Rate(20, 60)), (" 5 / second ", Rate(5, 1)), ("100/HOUR", Rate(100, 3600)), ("off", None)],
)
def test_rates_are_a_count_per_period_or_off(text, rate):
    assert Rate.parse(text, "SALESBOT_RATE_LIMIT_IP") == rate


@pytest.mark.parametrize("text", ["20", "0/minute", "20/day", "-1/second", "", "twenty/minute"])
def test_a_bad_rate_names_the_setting_and_the_format(text):
    with pytest.raises(LimitError, match=r"SALESBOT_RATE_LIMIT_IP=.*e\.g\. 20/minute"):
        Rate.parse(text, "SALESBOT_RATE_LIMIT_IP")


def test_a_bucket_allows_a_burst_then_one_message_per_share_of_the_period():
    clock = Clock()
    limiter = RateLimiter(Rate(3, 60), clock=clock)
    assert [limiter.wait("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.wait("a") == pytest.approx(20)  # one token every 20 s
    assert limiter.wait("b") == 0  # another key has its own bucket
    clock.now += 20
    assert limiter.wait("a") == 0
    assert limiter.wait("a") > 0
    clock.now += 3600
    assert [limiter.wait("a") for _ in range(4)][:3] == [0, 0, 0]  # refilled, never above the burst


def test_a_limiter_remembers_a_bounded_number_of_keys():
    clock = Clock()
    limiter = RateLimiter(Rate(1, 60), max_keys=2, clock=clock)
    limiter.wait("a")
    limiter.wait("b")
    limiter.wait("c")  # "a" is forgotten: memory stays bounded under a flood of made-up senders
    assert limiter.wait("a") == 0 and limiter.wait("c") > 0


def guard(sender: str = "2/minute", ip: str = "3/minute", max_chars: str = "10") -> MessageGuard:
    return MessageGuard.from_config({"sender_rate": sender, "ip_rate": ip, "max_message_chars": max_chars}, "test")


def test_the_guard_refuses_a_fast_sender_politely_with_retry_after():
    checks = guard()
    assert checks.check("anna", "10.0.0.1", "hi") is None
    assert checks.check("anna", "10.0.0.1", "hi") is None
    refusal = checks.check("anna", "10.0.0.1", "hi")
    assert refusal is not None and refusal.status == 429 and refusal.retry_after == 30
    assert refusal.text == (
        "You're sending messages faster than I can answer them. Please wait 30 seconds and try again."
    )
    assert too_fast(1).endswith("Please wait a second and try again.")


def test_the_guard_refuses_many_senders_from_one_address():
    checks = guard(sender="off")
    assert [checks.check(f"s{n}", "10.0.0.1", "hi") is None for n in range(4)] == [True, True, True, False]
    assert checks.check("s9", "10.0.0.2", "hi") is None


def test_the_guard_refuses_a_too_long_message_with_a_normal_reply():
    refusal = guard().check("anna", "10.0.0.1", "x" * 11)
    assert refusal is not None and refusal.status == 200 and refusal.retry_after == 0
    assert "too long for me (11 characters; I read up to 10)" in refusal.text
    assert guard().check("anna", "10.0.0.1", "x" * 10) is None


@pytest.mark.parametrize("max_chars", ["", "0", "ten", "-5"])
def test_a_bad_length_limit_names_the_section_and_the_key(max_chars):
    with pytest.raises(LimitError, match="REST channel: max_message_chars="):
        MessageGuard.from_config({"max_message_chars": max_chars}, "REST channel")


def test_without_rates_only_the_length_is_checked():
    checks = guard(sender="off", ip="off")
    assert all(checks.check("anna", "10.0.0.1", "hi") is None for _ in range(1000))


def test_the_client_address_is_the_peer_unless_a_trusted_proxy_forwarded_the_request():
    proxies = parse_proxies("127.0.0.1, 10.0.0.2", "SALESBOT_TRUSTED_PROXIES")
    assert client_address("203.0.113.9", "198.51.100.1", proxies) == "203.0.113.9"  # not a proxy: not believed
    assert client_address("127.0.0.1", "198.51.100.1", proxies) == "198.51.100.1"
    # a client may prepend made-up addresses; the proxies append what they saw
    assert client_address("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.2", proxies) == "198.51.100.1"
    assert client_address("127.0.0.1", "", proxies) == "127.0.0.1"
    with pytest.raises(LimitError, match="'nginx' is not an IP address"):
        parse_proxies("nginx", "SALESBOT_TRUSTED_PROXIES")
