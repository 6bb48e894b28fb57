"""Convert the public DummyJSON products (MIT licence) into salesbot's catalogue schema.

Reads DummyJSON's database/products.json (the path given as the only argument) and writes,
next to this script:

- products.jsonl: one product per line in the schema of knowledge/catalog.py (sku, name, category, brand, price,
  currency, stock, description, image_url, specs).
- policies/shipping.md, policies/returns.md, policies/warranty.md: shop-wide pages summarising the per-product
  shippingInformation, returnPolicy and warrantyInformation values found in the data.

Decisions (see README.md):

- discountPercentage is dropped: the assistant must never state discounts.
- reviews (reviewer names and e-mail addresses), meta, tags and availabilityStatus are dropped; availability follows
  from stock.
- Titles that occur more than once ("Rolex Cellini Moonphase" is both a men's and a women's watch) get the category
  appended, e.g. "Rolex Cellini Moonphase (womens-watches)", so every product name is unique.
- A missing brand (92 of the 194 products, mostly groceries and kitchen items) becomes an empty string.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CURRENCY = "USD"

# Orders for listing the distinct values in the policy pages, fastest / shortest first.
SHIPPING_ORDER = [
    "Ships overnight",
    "Ships in 1-2 business days",
    "Ships in 3-5 business days",
    "Ships in 1 week",
    "Ships in 2 weeks",
    "Ships in 1 month",
]
RETURN_ORDER = [
    "No return policy",
    "7 days return policy",
    "30 days return policy",
    "60 days return policy",
    "90 days return policy",
]
WARRANTY_ORDER = [
    "No warranty",
    "1 week warranty",
    "1 month warranty",
    "3 months warranty",
    "6 months warranty",
    "1 year warranty",
    "2 year warranty",
    "3 year warranty",
    "5 year warranty",
    "Lifetime warranty",
]


def load_source(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):  # the API wraps the list as {"products": [...]}
        data = data["products"]
    return data


def unique_names(items: list[dict[str, Any]]) -> dict[int, str]:
    """Product id -> display name; titles used more than once get their category appended."""
    counts = Counter(item["title"].strip() for item in items)
    names = {}
    for item in items:
        title = item["title"].strip()
        names[item["id"]] = title if counts[title] == 1 else f"{title} ({item['category']})"
    return names


def convert_product(item: dict[str, Any], name: str) -> dict[str, Any]:
    dimensions = item.get("dimensions") or {}
    specs: dict[str, Any] = {
        "weight": item.get("weight"),
        "width_cm": dimensions.get("width"),
        "height_cm": dimensions.get("height"),
        "depth_cm": dimensions.get("depth"),
        "rating": item.get("rating"),
        "warranty": item.get("warrantyInformation"),
        "return_policy": item.get("returnPolicy"),
        "shipping": item.get("shippingInformation"),
        "minimum_order_quantity": item.get("minimumOrderQuantity"),
    }
    images = item.get("images") or []
    return {
        "sku": item["sku"],
        "name": name,
        "category": item["category"],
        "brand": (item.get("brand") or "").strip(),
        "price": item["price"],
        "currency": CURRENCY,
        "stock": item["stock"],
        "description": item.get("description", ""),
        "image_url": images[0] if images else item.get("thumbnail", ""),
        "specs": {key: value for key, value in specs.items() if value not in (None, "")},
    }


def ordered_counts(values: list[str], order: list[str]) -> list[tuple[str, int]]:
    counts = Counter(values)
    unknown = sorted(set(counts) - set(order))
    return [(value, counts[value]) for value in [*order, *unknown] if counts[value]]


def bullet_list(pairs: list[tuple[str, int]], total: int) -> str:
    return "\n".join(f"- {value}: {count} of {total} products" for value, count in pairs)


def shipping_page(items: list[dict[str, Any]]) -> str:
    total = len(items)
    pairs = ordered_counts([i["shippingInformation"] for i in items], SHIPPING_ORDER)
    quantities = [i["minimumOrderQuantity"] for i in items]
    return f"""# Shipping

Shipping times are set per product, not shop-wide. Each product page states its own shipping time, from "Ships \
overnight" to "Ships in 1 month". All prices are in US dollars (USD).

## Shipping times used in this shop

{bullet_list(pairs, total)}

## Minimum order quantities

Some products can only be ordered in a minimum quantity. The minimum order quantity is listed on each product page \
and ranges from {min(quantities)} to {max(quantities)} units; {sum(q == 1 for q in quantities)} of {total} products \
can be ordered one at a time.
"""


def returns_page(items: list[dict[str, Any]]) -> str:
    total = len(items)
    pairs = ordered_counts([i["returnPolicy"] for i in items], RETURN_ORDER)
    no_return = dict(pairs).get("No return policy", 0)
    longest = max(int(v.split()[0]) for v, _ in pairs if v[0].isdigit())
    return f"""# Returns

The return policy is set per product, not shop-wide. Each product page states its own return window, and \
{no_return} of {total} products cannot be returned ("No return policy"). The longest return window is {longest} days.

## Return policies used in this shop

{bullet_list(pairs, total)}
"""


def warranty_page(items: list[dict[str, Any]]) -> str:
    total = len(items)
    pairs = ordered_counts([i["warrantyInformation"] for i in items], WARRANTY_ORDER)
    lifetime = dict(pairs).get("Lifetime warranty", 0)
    none = dict(pairs).get("No warranty", 0)
    return f"""# Warranty

The warranty is set per product, not shop-wide. Each product page states its own warranty, from "No warranty" \
({none} products) to "Lifetime warranty" ({lifetime} products).

## Warranties used in this shop

{bullet_list(pairs, total)}
"""


def main(source: Path, out_dir: Path = HERE) -> None:
    items = load_source(source)
    names = unique_names(items)
    products = [convert_product(item, names[item["id"]]) for item in items]
    skus = Counter(p["sku"] for p in products)
    duplicates = [sku for sku, count in skus.items() if count > 1]
    if duplicates:
        raise SystemExit(f"duplicate SKUs in the source: {duplicates}")
    with (out_dir / "products.jsonl").open("w", encoding="utf-8") as handle:
        for product in products:
            handle.write(json.dumps(product, ensure_ascii=False) + "\n")
    policies = out_dir / "policies"
    policies.mkdir(exist_ok=True)
    (policies / "shipping.md").write_text(shipping_page(items), encoding="utf-8")
    (policies / "returns.md").write_text(returns_page(items), encoding="utf-8")
    (policies / "warranty.md").write_text(warranty_page(items), encoding="utf-8")
    renamed = sum(names[i["id"]] != i["title"].strip() for i in items)
    print(f"wrote {len(products)} products ({renamed} renamed to keep names unique) and 3 policy pages to {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python data/eval/dummyjson/convert.py PATH/TO/DummyJSON/database/products.json")
    main(Path(sys.argv[1]))
