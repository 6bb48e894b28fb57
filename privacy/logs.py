"""The log files the project writes (`var/logs/*.log`, one per process started by `salesbot up`).

Personal data patterns are redacted as lines are written (privacy.redact); what identifies a customer
beyond them, their conversation id, is found and erased here. Files are rewritten in place, so the
servers that append to them keep writing to the same file.
"""

from __future__ import annotations

from pathlib import Path

from privacy.registry import Customer, PersonalDataStore

ERASED = "[erased]"


class LogFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _files(self) -> list[Path]:
        return sorted(self.folder.glob("*.log")) if self.folder.is_dir() else []

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
