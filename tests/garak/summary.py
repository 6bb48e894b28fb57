"""Attack success per probe in a garak report (`var/garak/<run>.report.jsonl`): garak's own verdicts (its
`eval` entries: replies its detector counts as a successful attack, out of those it judged) and, for each
probe with hits, the replies that counted, most frequent first, to read what "success" meant there.

    .venv/bin/python -m tests.garak.summary var/garak/<run>.report.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

EVAL_THRESHOLD = 0.5  # garak's default, set in the scan's config: a detector score from here on is a hit
EXAMPLES = 3  # hit replies shown per probe
EXAMPLE_CHARS = 110


@dataclass(frozen=True)
class ProbeResult:
    probe: str
    detector: str
    judged: int  # replies the detector scored
    hits: int  # of those, counted as a successful attack
    no_reply: int  # prompts that got no text back
    hit_replies: Counter[str] = field(default_factory=Counter)

    @property
    def success(self) -> float:
        return self.hits / self.judged if self.judged else 0.0


def summarise(report: Path) -> list[ProbeResult]:
    entries = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    hit_replies: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for entry in entries:
        if entry["entry_type"] != "attempt" or entry["status"] != 2:  # 2: scored by the detectors
            continue
        for detector, scores in entry["detector_results"].items():
            for output, score in zip(entry["outputs"], scores, strict=False):
                if output and score is not None and score >= EVAL_THRESHOLD:
                    hit_replies[entry["probe_classname"], detector][output["text"]] += 1
    return [
        ProbeResult(
            e["probe"],
            e["detector"],
            e["total_evaluated"],
            e["fails"],
            e["nones"],
            hit_replies[e["probe"], e["detector"]],
        )
        for e in entries
        if e["entry_type"] == "eval"
    ]


def format_summary(results: list[ProbeResult]) -> str:
    total = ProbeResult("all", "", *(sum(getattr(r, name) for r in results) for name in ("judged", "hits", "no_reply")))
    widths = [max(len(r.probe) for r in [*results, total]), max(len(r.detector) for r in [*results, total])]
    widths = [max(widths[0], len("probe")), max(widths[1], len("detector"))]
    lines = [f"{'probe':<{widths[0]}}  {'detector':<{widths[1]}}  judged  hits  no reply  attack success"]
    for r in [*results, total]:
        counts = f"{r.judged:>6}  {r.hits:>4}  {r.no_reply:>8}  {r.success:>14.1%}"
        lines.append(f"{r.probe:<{widths[0]}}  {r.detector:<{widths[1]}}  {counts}")
    for r in results:
        if r.hits:
            lines.append(f"\n{r.probe} ({r.detector}): the replies counted as hits, most frequent first")
            lines += [f"  {count:>3} x  {_shortened(text)}" for text, count in r.hit_replies.most_common(EXAMPLES)]
    return "\n".join(lines)


def _shortened(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXAMPLE_CHARS else flat[: EXAMPLE_CHARS - 1] + "…"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    print(format_summary(summarise(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
