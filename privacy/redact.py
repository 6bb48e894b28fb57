"""Redaction of personal data in free text: e-mail addresses, phone numbers, card-like numbers and street
addresses become [email], [phone], [card], [address]; names known from a lead are replaced when given.

Used for every log line the Python 3.11 processes write (`install_log_redaction`) and for text sent to an
external LLM endpoint or a hand-off webhook unless SALESBOT_SHARE_PII allows it. Patterns, not a model:
a name typed in free text is not found unless it is passed in `known`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally in groups of 4 separated by a space or dash; kept only when the Luhn check passes.
CARD = re.compile(r"(?<!\d)(?<!\d[.,])\d(?:[ -]?\d){12,18}(?!\d|[.,]\d)")
# A phone number: optional +/00 country code, then digit groups separated by spaces, dashes or brackets (`_phone`
# decides). Dots are no separator, so prices and measurements ("1.299,00", "13.3") are left alone.
PHONE = re.compile(
    r"(?<!\w)(?<!\d[.,])(?:\+|00)?(?:\(\d{1,4}\)|\d{1,4})(?:[ -]?(?:\(\d{2,5}\)|\d{2,5})){1,5}(?!\w|[.,]\d)"
)
STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|square|sq|terrace"
    r"|stra(?:ss|ß)e|str|weg|gasse|platz|allee|rue|via|calle|straat|gatan|vej|veien"
)
ADDRESS = re.compile(
    rf"\b\d{{1,5}}[a-z]?\s+(?:[A-Z][\w'-]*\s+){{1,4}}(?:{STREET_TYPES})\b\.?"  # 12 Baker Street
    rf"|\b[A-Z][\w'-]*(?:{STREET_TYPES})\s+\d{{1,5}}[a-z]?\b"  # Hauptstraße 5, Kungsgatan 12
    rf"|\b(?:[A-Z][\w'-]*\s+){{1,3}}(?:{STREET_TYPES})\.?\s+\d{{1,5}}[a-z]?\b",  # Baker Street 12
    re.IGNORECASE,
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if _luhn(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    """8-15 digits written like a phone number: with a country or trunk prefix (+, 00, 0, a bracket), in three
    or more groups, or as one run of 10 or more digits; two plain numbers side by side ("2560 1600") are not."""
    found = match.group()
    digits, groups = sum(c.isdigit() for c in found), len(re.split(r"[ -]+", found))
    prefixed = found[0] in "+0("
    looks_like = prefixed or groups >= 3 or (groups == 1 and digits >= 10)
    return "[phone]" if 8 <= digits <= 15 and looks_like else found


def redact(text: str, known: Iterable[str] = ()) -> str:
    """The text with personal data replaced; `known` are exact strings (a lead's name) to replace as [name]."""
    for value in sorted({k for k in known if k and len(k) > 1}, key=len, reverse=True):
        text = re.sub(re.escape(value), "[name]", text, flags=re.IGNORECASE)
    text = EMAIL.sub("[email]", text)
    text = CARD.sub(_card, text)
    text = ADDRESS.sub("[address]", text)
    return PHONE.sub(_phone, text)


def redact_json(value: Any, known: Iterable[str] = ()) -> Any:
    """Every string inside a JSON-like value redacted."""
    known = tuple(known)
    if isinstance(value, str):
        return redact(value, known)
    if isinstance(value, dict):
        return {key: redact_json(item, known) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_json(item, known) for item in value]
    return value


class RedactingLogRecord(logging.LogRecord):
    def getMessage(self) -> str:
        return redact(super().getMessage())


def install_log_redaction() -> None:
    """Every log record of this process is redacted when formatted, whichever logger or handler writes it."""
    logging.setLogRecordFactory(RedactingLogRecord)
