"""Generate the synthetic labelled conversations in conversations.jsonl (see README.md here).

    .venv/bin/python data/intent_score/generate.py            # 2000 conversations, seed 7
    .venv/bin/python data/intent_score/generate.py --n 500 --seed 1 --out /tmp/other.jsonl

Each synthetic customer has a hidden interest z in 0..1. Every behaviour (reaching a later sales
stage, giving a budget, asking about price or stock, buying phrases, hesitation, praise or
complaints, number of turns) is drawn with a probability that depends on z, and the label
(bought or not) is drawn from P(bought) = 0.03 + 0.9 * z**2. Behaviour and label are only linked
through z, so the label is noisy given the messages, as in real shops. Messages come from
templates, with typos and off-topic lines mixed in. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

GREETINGS = ["hi", "hello there", "hey", "good morning", "hi, quick question", "hallo", "yo"]
NEEDS = [
    "I need a laptop for video editing",
    "looking for headphones for the gym",
    "something for gaming and some photo editing",
    "a phone with a good camera please",
    "I want a tablet for my kid",
    "need a monitor for home office",
    "what laptops do you have",
    "do you have noise cancelling headphones",
    "i'm after a light laptop for uni",
]
BUDGETS = ["around 800 bucks", "under a grand", "max 500 euros", "budget is 1200", "about 300 eur", "up to 2k"]
PRICE_QUESTIONS = [
    "how much is the Lumen Air 13?",
    "what does the cheaper one cost",
    "is there a discount on it",
    "price of the Sonora Echo?",
    "that one is how much again",
    "whats the pricing on the 16 inch one",
    "any deals this week?",
]
STOCK_QUESTIONS = [
    "is it in stock?",
    "when can I get it delivered",
    "do you ship to Austria",
    "how fast can it arrive",
    "is the black one available",
    "how long does shipping take",
]
BUYING = [
    "ok I'll take it",
    "how do I order this",
    "add it to my cart please",
    "can I pay with paypal",
    "I want to buy the Lumen Air 13",
    "great, checkout please",
    "can you reserve one for me",
    "I want this one",
]
HESITATION = [
    "just browsing for now",
    "maybe later",
    "I'm not sure yet",
    "that's too expensive",
    "I'll think about it",
    "it's cheaper elsewhere",
    "just looking thanks",
]
POSITIVE = ["great, thanks!", "perfect", "that sounds good", "awesome, very helpful", "nice, I like that one"]
NEGATIVE = ["that's useless", "meh", "this is confusing", "not helpful at all", "terrible battery life"]
NEUTRAL = [
    "does it have a backlit keyboard",
    "what's the battery life",
    "compare the Lumen Air 13 and the Corvid Blade 16",
    "how heavy is it",
    "which one is lighter",
    "what's the warranty",
    "does it come with a charger",
    "what about the screen size",
]
OFF_TOPIC = ["what's the weather like", "tell me a joke", "who won the game yesterday", "asdf"]
TYPO_RATE = 0.1
OFF_TOPIC_RATE = 0.05


def typo(text: str, rng: random.Random) -> str:
    """Drop or swap one letter, the way people type on phones."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def draws(rng: random.Random, p: float, tries: int) -> int:
    return sum(rng.random() < p for _ in range(tries))


def conversation(index: int, rng: random.Random) -> dict:
    z = rng.random()
    stages = ["greeting"]
    messages = [rng.choice(GREETINGS)]
    if rng.random() < 0.6 + 0.4 * z:
        stages.append("discovery")
        messages.append(rng.choice(NEEDS))
        if rng.random() < 0.3 + 0.6 * z:
            stages.append("recommendation")
            if rng.random() < 0.3:
                stages.append("objection")
            if rng.random() < 0.1 + 0.7 * z:
                stages.append("closing")
    budget_stated = rng.random() < 0.2 + 0.6 * z
    body = [rng.choice(BUDGETS)] if budget_stated else []
    body += [rng.choice(PRICE_QUESTIONS) for _ in range(draws(rng, 0.15 + 0.45 * z, 3))]
    body += [rng.choice(STOCK_QUESTIONS) for _ in range(draws(rng, 0.1 + 0.4 * z, 2))]
    body += [rng.choice(BUYING) for _ in range(draws(rng, 0.02 + 0.6 * z * z, 2))]
    body += [rng.choice(HESITATION) for _ in range(draws(rng, 0.5 * (1 - z), 2))]
    body += [rng.choice(POSITIVE) for _ in range(draws(rng, 0.2 + 0.5 * z, 2))]
    body += [rng.choice(NEGATIVE) for _ in range(draws(rng, 0.1 + 0.3 * (1 - z), 2))]
    body += [rng.choice(NEUTRAL) for _ in range(rng.randint(0, 2 + int(6 * z)))]
    rng.shuffle(body)
    for text in body:
        if rng.random() < OFF_TOPIC_RATE:
            messages.append(rng.choice(OFF_TOPIC))
        messages.append(typo(text, rng) if rng.random() < TYPO_RATE else text)
    bought = rng.random() < 0.03 + 0.9 * z * z
    return {
        "id": f"syn-{index:05d}",
        "user_messages": messages,
        "stages": stages,
        "budget_stated": budget_stated,
        "label": int(bought),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("conversations.jsonl"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with args.out.open("w") as out:
        for index in range(args.n):
            out.write(json.dumps(conversation(index, rng)) + "\n")
    print(f"wrote {args.n} conversations to {args.out}")


if __name__ == "__main__":
    main()
