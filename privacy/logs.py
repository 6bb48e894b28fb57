"""The log files the project writes (`var/logs/*.log`, one per process started by `salesbot up`), and
their rotation: `<name>.log` becomes `<name>.log.1` when it is full, the oldest copy is deleted.

Personal data patterns are redacted as lines are written (privacy.redact), in every server's log, Rasa's
included; what identifies a customer
beyond them, their conversation id, is found and erased here, in the current files and the rotated copies.
Files are rewritten in place, so the writer that appends to them keeps writing to the same file.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import BinaryIO

from privacy.redact import redact
from privacy.registry import Customer, PersonalDataStore

ERASED = "[erased]"
LOG_FILE = re.compile(r".+\.log(\.[0-9]+)?")  # a log and its rotated copies: actions.log, actions.log.1, …


def copy_to_rotating_log(stream: BinaryIO, path: Path, max_bytes: int, backups: int) -> None:
    """Appends what a server writes to `stream` to `path`, line by line, until the stream ends (then closes
    it). A line that would take the file past `max_bytes` goes to a new file; the full one is kept as
    `<path>.1`, `.1` becomes `.2`, and so on up to `<path>.<backups>`; older copies are deleted."""
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", errors="replace")
    handler.terminator = ""  # each line keeps its own line end
    with stream:
        try:
            for line in iter(stream.readline, b""):
                # Every server's lines are redacted here, Rasa's too (its process cannot import this project's
                # redaction); a plain LogRecord, so nothing else of the line changes.
                text = redact(line.decode(errors="replace"))
                handler.handle(logging.LogRecord(path.name, logging.INFO, "", 0, text, None, None))
        finally:
            handler.close()


class LogFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(path for path in self.folder.glob("*.log*") if LOG_FILE.fullmatch(path.name))

    @staticmethod
    def _needles(customer: Customer) -> list[str]:
        return sorted({*customer.sender_ids, *customer.emails}, key=len, reverse=True)

    def export(self, customer: Customer) -> dict[str, list[str]]:
        needles = self._needles(customer)
        found: dict[str, list[str]] = {}
        for path in self._files():
            lines = [line for line in path.read_text(errors="replace").splitlines() if _mentions(line, needles)]
            if lines:
                found[path.name] = lines
        return found

    def forget(self, customer: Customer) -> int:
        """Replaces the customer's identifiers with [erased]; returns the number of lines changed."""
        needles = self._needles(customer)
        changed = 0
        for path in self._files():
            with path.open("r+", errors="replace") as handle:
                lines = handle.read().splitlines(keepends=True)
                hits = [i for i, line in enumerate(lines) if _mentions(line, needles)]
                if not hits:
                    continue
                for i in hits:
                    for needle in needles:
                        lines[i] = _replace(lines[i], needle)
                handle.seek(0)
                handle.write("".join(lines))
                handle.truncate()
                changed += len(hits)
        return changed

    def store(self) -> PersonalDataStore:
        return PersonalDataStore("logs", self.export, self.forget)


def _mentions(line: str, needles: list[str]) -> bool:
    lowered = line.lower()
    return any(needle.lower() in lowered for needle in needles)


def _replace(line: str, needle: str) -> str:
    lowered, target, out, start = line.lower(), needle.lower(), [], 0
    while (found := lowered.find(target, start)) >= 0:
        out += [line[start:found], ERASED]
        start = found + len(needle)
    return "".join([*out, line[start:]])
