"""A seeded synthetic catalogue of any size, and retrieval queries that have a right answer in it."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from bot.cli.bench.common import SYNTHETIC_SEED, percentile

_BRANDS = (
    "Lumen", "Corvid", "Arcfield", "Nimbus", "Vistara", "Tessel", "Sonora", "Hushwave", "Quillon", "Brightwater",
    "Kestrel", "Obsidia", "Pellucid", "Ravenna", "Solstice", "Tundra", "Umbra", "Verdant", "Wexford", "Zephyrine",
)  # fmt: skip


_MODEL_WORDS = (
    "Air", "Aura", "Blade", "Talon", "Ledger", "Forge", "Cirrus", "Stratus", "Canvas", "Quill", "Cadence", "Nova",
    "Pulse", "Halo", "Raptor", "Bastion", "Drift", "Zephyr", "Prism", "Origami", "Lyric", "Sage", "Aria", "Echo",
    "Haven", "Lull", "Vortex", "Stride", "Breeze", "Meridian", "Orbit", "Loop", "Horizon", "Panorama", "Apex",
    "Ember", "Tally", "Keystone", "Atrium", "Glide", "Slate", "Mosaic", "Folio", "Kite", "Pebble", "Rampart",
    "Vue", "Falcon", "Summit", "Harbor", "Lantern", "Comet", "Fjord", "Mistral", "Cobalt", "Quartz", "Tempo",
    "Vertex", "Willow", "Juniper",
)  # fmt: skip


_SUFFIXES = ("", "", "", " Pro", " Max", " Lite", " Plus", " Mini", " S", " X")


_ADJECTIVES = (
    "sleek", "rugged", "compact", "lightweight", "premium", "affordable", "versatile", "powerful", "quiet",
    "elegant", "durable", "slim", "bright", "fast", "reliable",
)  # fmt: skip


_USES = (
    "for students", "for travel", "for gaming", "for the office", "for creative work", "for families",
    "for commuting", "for working from home", "for fitness", "for everyday use", "for photographers",
    "for music lovers",
)  # fmt: skip


_TRAITS = (
    "an all-day battery", "a crisp display", "a solid aluminium body", "fast charging", "a whisper-quiet design",
    "a generous warranty", "an easy setup", "excellent sound", "a comfortable fit", "quick wake from sleep",
    "a bright, colour-accurate screen", "long-lasting build quality",
)  # fmt: skip


def _laptop(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([13.3, 14.0, 15.6, 16.0]),
        "weight_kg": round(rng.uniform(0.95, 2.6), 2),
        "battery_hours": rng.randint(5, 22),
        "ram_gb": rng.choice([8, 16, 32, 64]),
        "storage_gb": rng.choice([256, 512, 1024, 2048]),
        "cpu": f"{rng.choice([4, 6, 8, 10, 12])}-core, {rng.choice(['3.2', '3.8', '4.2', '4.6', '5.0'])} GHz",
        "gpu": rng.choice(["integrated", "RTX 4050", "RTX 4060", "RTX 4070", "Radeon 780M"]),
    }


def _phone(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([5.8, 6.1, 6.4, 6.7, 6.9]),
        "weight_g": rng.randint(150, 240),
        "battery_mah": rng.choice([3500, 4000, 4500, 5000, 5500]),
        "camera_mp": rng.choice([12, 48, 50, 64, 108, 200]),
        "storage_gb": rng.choice([64, 128, 256, 512]),
        "five_g": rng.random() < 0.8,
    }


def _headphones(rng: random.Random) -> dict[str, Any]:
    return {
        "type": rng.choice(["over-ear", "on-ear", "in-ear"]),
        "wireless": rng.random() < 0.85,
        "noise_cancelling": rng.random() < 0.5,
        "battery_hours": rng.randint(6, 60),
        "weight_g": rng.randint(5, 350),
    }


def _monitor(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([24.0, 27.0, 32.0, 34.0]),
        "resolution": rng.choice(["1920x1080", "2560x1440", "3840x2160", "3440x1440"]),
        "refresh_hz": rng.choice([60, 75, 120, 144, 165, 240]),
        "panel": rng.choice(["IPS", "VA", "OLED", "TN"]),
        "ports": rng.choice(["HDMI, DisplayPort", "HDMI, USB-C", "HDMI, DisplayPort, USB-C"]),
    }


def _tablet(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([8.0, 10.1, 11.0, 12.4, 13.0]),
        "weight_g": rng.randint(290, 720),
        "battery_hours": rng.randint(8, 16),
        "storage_gb": rng.choice([64, 128, 256, 512]),
        "stylus_support": rng.random() < 0.6,
    }


def _smartwatch(rng: random.Random) -> dict[str, Any]:
    return {
        "battery_hours": rng.choice([18, 24, 36, 48, 72, 168]),
        "weight_g": rng.randint(25, 70),
        "gps": rng.random() < 0.7,
        "water_resistance": rng.choice(["IP68", "5 ATM", "10 ATM"]),
    }


def _speaker(rng: random.Random) -> dict[str, Any]:
    return {
        "power_w": rng.choice([10, 20, 30, 50, 100]),
        "battery_hours": rng.randint(6, 30),
        "weight_kg": round(rng.uniform(0.3, 3.5), 2),
        "waterproof": rng.random() < 0.5,
    }


def _camera(rng: random.Random) -> dict[str, Any]:
    return {
        "sensor": rng.choice(["full frame", "APS-C", "micro four thirds", "1-inch"]),
        "resolution_mp": rng.choice([20, 24, 26, 33, 45, 61]),
        "weight_g": rng.randint(300, 950),
        "video": rng.choice(["4K 30p", "4K 60p", "6K 30p", "8K 24p"]),
    }


# category: (SKU prefix, singular noun, price range, spec maker)
_CATEGORIES: dict[str, tuple[str, str, tuple[float, float], Callable[[random.Random], dict[str, Any]]]] = {
    "laptops": ("LAP", "laptop", (399, 2999), _laptop),
    "smartphones": ("PHN", "smartphone", (149, 1499), _phone),
    "headphones": ("HPH", "pair of headphones", (29, 499), _headphones),
    "monitors": ("MON", "monitor", (119, 1499), _monitor),
    "tablets": ("TAB", "tablet", (149, 1299), _tablet),
    "smartwatches": ("WAT", "smartwatch", (79, 899), _smartwatch),
    "speakers": ("SPK", "speaker", (39, 599), _speaker),
    "cameras": ("CAM", "camera", (399, 3999), _camera),
}


def synthetic_catalog(size: int, seed: int = SYNTHETIC_SEED) -> list[dict[str, Any]]:
    """`size` realistic product records (valid for `knowledge.catalog.parse_product`), the same for the same seed."""
    rng = random.Random(seed)
    categories = list(_CATEGORIES)
    products = []
    for index in range(size):
        category = categories[index % len(categories)] if index < len(categories) else rng.choice(categories)
        prefix, noun, (low, high), make_specs = _CATEGORIES[category]
        brand = rng.choice(_BRANDS)
        model = f"{rng.choice(_MODEL_WORDS)} {rng.randint(2, 99)}{rng.choice(_SUFFIXES)}"
        name = f"{brand} {model}"
        price = round(math.exp(rng.uniform(math.log(low), math.log(high)))) - rng.choice([0.01, 0.0, 0.0])
        adjectives = rng.sample(_ADJECTIVES, 3)
        uses = rng.sample(_USES, 2)
        traits = rng.sample(_TRAITS, 2)
        description = (
            f"A {adjectives[0]} {noun} {uses[0]}, with {traits[0]} and {traits[1]}. "
            f"{adjectives[1].capitalize()} and {adjectives[2]}, it also suits anyone shopping {uses[1]}."
        )
        sku = f"{prefix}-{brand[:3].upper()}-{index:06d}"
        products.append(
            {
                "sku": sku,
                "name": name,
                "category": category,
                "brand": brand,
                "price": max(price, 1.0),
                "currency": "EUR",
                "stock": 0 if rng.random() < 0.15 else rng.randint(1, 80),
                "description": description,
                "url": f"https://shop.example/p/{sku.lower()}",
                "specs": make_specs(rng),
            }
        )
    return products


def retrieval_queries(products: Sequence[Any], count: int, seed: int = SYNTHETIC_SEED) -> list[tuple[str, Any]]:
    """(query text, ProductFilter) pairs: a use case in a category, a budget near the category's median price."""
    from knowledge.store import ProductFilter

    rng = random.Random(seed + 1)
    prices: dict[str, list[float]] = {}
    for product in products:
        prices.setdefault(product.category, []).append(product.price)
    categories = sorted(prices)
    queries = []
    seen: set[str] = set()
    for index in range(count):
        category = categories[index % len(categories)]
        budget = round(percentile(prices[category], rng.choice([40, 50, 60, 75])) or 0)
        noun = _CATEGORIES.get(category, ("", category))[1]
        text = ""
        for _ in range(100):  # distinct texts, so every query embedding is computed, not cached
            text = f"{rng.choice(_ADJECTIVES)} {noun} {rng.choice(_USES)} with {rng.choice(_TRAITS)}"
            if text not in seen:
                break
        else:
            text = f"{text} ({index})"
        seen.add(text)
        queries.append((text, ProductFilter(category=category, max_price=budget, in_stock_only=True)))
    return queries
