"""Rates ("20/minute"), token-bucket limiters keyed by sender or address, and the check every incoming
customer message goes through (`MessageGuard`), with the polite replies a refused customer sees."""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
RATE = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour)\s*")
OFF = "off"
MAX_KEYS = 100_000  # buckets remembered per limiter; the least recently used is forgotten first
TOO_FAST = "You're sending messages faster than I can answer them. Please wait {wait} and try again."
TOO_LONG = (
    "Sorry, that message is too long for me ({length} characters; I read up to {limit}). "
    "Could you say it in fewer words?"
)


class LimitError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    """`count` messages per `seconds`, with bursts of up to `count`."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str, where: str) -> Rate | None:
        """'20/minute' (or /second, /hour); 'off' is None. `where` names the setting in the error."""
        if text.strip().lower() == OFF:
            return None
        found = RATE.fullmatch(text.lower())
        if found is None or int(found.group(1)) < 1:
            raise LimitError(f"{where}={text!r}: write a count per second, minute or hour (e.g. 20/minute), or off")
        return cls(int(found.group(1)), PERIODS[found.group(2)])


class RateLimiter:
    """One token bucket per key: `rate.count` tokens, refilled evenly over `rate.seconds`."""

    def __init__(self, rate: Rate, max_keys: int = MAX_KEYS, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)

    def wait(self, key: str) -> float:
        """Takes a token for `key` and returns 0, or, when none is left, the seconds until there is one."""
        now = self.clock()
        tokens, then = self._buckets.pop(key, (float(self.rate.count), now))
        tokens = min(float(self.rate.count), tokens + (now - then) * self.rate.count / self.rate.seconds)
        waiting = 0.0 if tokens >= 1 else (1 - tokens) * self.rate.seconds / self.rate.count
        self._buckets[key] = (tokens - 1 if tokens >= 1 else tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return waiting


def too_fast(seconds: int) -> str:
    return TOO_FAST.format(wait="a second" if seconds == 1 else f"{seconds} seconds")


@dataclass(frozen=True)
class Refusal:
    """What a refused customer is told, and the HTTP status and Retry-After (seconds) for HTTP channels."""

    text: str
    status: int
    retry_after: int = 0


class MessageGuard:
    """The checks before a customer message reaches the assistant: its sender's rate, its address's rate
    and its length. Configured from a channel's section of credentials.yml (`from_config`)."""

    def __init__(self, sender_rate: Rate | None, ip_rate: Rate | None, max_chars: int) -> None:
        self.senders = RateLimiter(sender_rate) if sender_rate else None
        self.addresses = RateLimiter(ip_rate) if ip_rate else None
        self.max_chars = max_chars

    @classmethod
    def from_config(cls, config: Mapping[str, Any], where: str) -> MessageGuard:
        """Keys `sender_rate`, `ip_rate` (Rate.parse) and `max_message_chars`; `where` names the section."""
        raw_max = str(config.get("max_message_chars", "")).strip()
        if not raw_max.isdigit() or int(raw_max) < 1:
            raise LimitError(f"{where}: max_message_chars={raw_max!r} is not a whole number of 1 or more")
        return cls(
            Rate.parse(str(config.get("sender_rate") or OFF), f"{where}: sender_rate"),
            Rate.parse(str(config.get("ip_rate") or OFF), f"{where}: ip_rate"),
            int(raw_max),
        )

    def check(self, sender: str, address: str, text: str) -> Refusal | None:
        """None when the message may go on. Both rates are charged for every message, refused or not."""
        waits = [
            limiter.wait(key)
            for limiter, key in ((self.senders, f"sender:{sender}"), (self.addresses, f"ip:{address}"))
            if limiter is not None
        ]
        if max(waits, default=0) > 0:
            seconds = max(1, math.ceil(max(waits)))
            return Refusal(too_fast(seconds), 429, seconds)
        if len(text) > self.max_chars:
            return Refusal(TOO_LONG.format(length=len(text), limit=self.max_chars), 200)
        return None


def parse_proxies(text: str, where: str) -> frozenset[str]:
    """Comma-separated IP addresses of reverse proxies whose X-Forwarded-For is believed."""
    proxies = [part.strip() for part in text.split(",") if part.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_address(proxy)
        except ValueError as exc:
            raise LimitError(f"{where}: {proxy!r} is not an IP address") from exc
    return frozenset(proxies)


def client_address(peer: str, forwarded_for: str, trusted: frozenset[str]) -> str:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the right-most address of
    X-Forwarded-For that is not a trusted proxy (each proxy appends the address it saw; a client can only
    prepend made-up ones)."""
    if peer not in trusted:
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if hop not in trusted:
            return hop
    return peer
