"""Catalogue schema and loaders.

A catalogue is a products file (CSV, JSON or JSONL) and, optionally, a folder of
policy pages (Markdown or HTML). Loading never stops at the first bad row: every
row is validated on its own, bad rows are reported with file, row and reason,
and the good rows are returned so they can still be ingested.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REQUIRED_FIELDS = ("sku", "name", "category", "price", "currency", "stock")
PRODUCT_FILE_SUFFIXES = (".csv", ".json", ".jsonl")
POLICY_FILE_SUFFIXES = (".md", ".markdown", ".html", ".htm")

# Every currency of ISO 4217 a shop can price in (fund and metal codes left out): anything else is a typo.
KNOWN_CURRENCIES = frozenset(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD "
    "CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD "
    "GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT "
    "LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR "
    "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP "
    "STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG "
    "XOF XPF YER ZAR ZMW ZWG".split()
)
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


class CatalogError(Exception):
    """The catalogue cannot be read at all (missing file, unknown format, bad header)."""


@dataclass(frozen=True)
class RowError:
    """One rejected row: where it is and why."""

    file: str
    row: int
    reason: str
    sku: str | None = None

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.reason}"


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    brand: str
    price: float
    currency: str
    stock: int
    description: str = ""
    url: str = ""
    image_url: str = ""
    specs: dict[str, str | float | bool] = field(default_factory=dict)
    related: tuple[str, ...] = ()

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "name": self.name,
            "category": self.category,
            "brand": self.brand,
            "price": self.price,
            "currency": self.currency,
            "stock": self.stock,
            "description": self.description,
            "url": self.url,
            "image_url": self.image_url,
            "specs": dict(self.specs),
            "related": list(self.related),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Product:
        return cls(
            sku=data["sku"],
            name=data["name"],
            category=data["category"],
            brand=data["brand"],
            price=float(data["price"]),
            currency=data["currency"],
            stock=int(data["stock"]),
            description=data.get("description", ""),
            url=data.get("url", ""),
            image_url=data.get("image_url", ""),
            specs=dict(data.get("specs", {})),
            related=tuple(data.get("related", ())),
        )

    def document_text(self) -> str:
        """The text that is embedded for dense retrieval.

        Numeric specs are left out: numbers carry little meaning for the embedding model and
        drown the description; code filters and compares on them instead.
        """
        words = [
            spec_label(k) if v is True else f"{spec_label(k)} {v}"
            for k, v in self.specs.items()
            if isinstance(v, str) or v is True
        ]
        parts = [f"{self.name} ({self.brand} {self.category})", self.description, ", ".join(words)]
        return ". ".join(p for p in parts if p)


@dataclass(frozen=True)
class PolicyPage:
    topic: str
    title: str
    text: str
    source: str


@dataclass
class LoadResult:
    products: list[Product] = field(default_factory=list)
    policies: list[PolicyPage] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    policies_loaded: bool = False  # the source had a policies folder, so stored policies are replaced

    @property
    def rejected_skus(self) -> set[str]:
        """SKUs of rows that were rejected: a sync must not delete what they refer to."""
        return {e.sku for e in self.errors if e.sku}


# A spec key's last word when it is a unit: how a value shows it ("" where values go without it) and how it is
# spoken, for matching a question by meaning (`knowledge.spec_meaning`: "how loud" meets `noise_db`).
UNITS: dict[str, tuple[str, str]] = {
    "kg": ("kg", "kilograms"),
    "g": ("g", "grams"),
    "lb": ("lb", "pounds"),
    "oz": ("oz", "ounces"),
    "mm": ("mm", "millimetres"),
    "cm": ("cm", "centimetres"),
    "m": ("m", "metres"),
    "km": ("km", "kilometres"),
    "in": ("inches", "inches"),
    "inches": ("inches", "inches"),
    "ft": ("ft", "feet"),
    "feet": ("feet", "feet"),
    "yd": ("yd", "yards"),
    "yards": ("yards", "yards"),
    "m2": ("m²", "square metres"),
    "l": ("l", "litres"),
    "ml": ("ml", "millilitres"),
    "h": ("hours", "hours"),
    "hours": ("hours", "hours"),
    "min": ("min", "minutes"),
    "days": ("days", "days"),
    "weeks": ("weeks", "weeks"),
    "months": ("months", "months"),
    "years": ("years", "years"),
    "w": ("W", "watts"),
    "v": ("V", "volts"),
    "mah": ("mAh", "milliamp hours"),
    "wh": ("", "watt hours"),
    "hz": ("Hz", "hertz"),
    "db": ("dB", "decibels"),
    "c": ("°C", "degrees celsius"),
    "f": ("", "degrees fahrenheit"),
    "k": ("K", "kelvin"),
    "deg": ("degrees", "degrees"),
    "degrees": ("degrees", "degrees"),
    "rpm": ("rpm", "revolutions per minute"),
    "spm": ("", "stitches per minute"),
    "mph": ("mph", "miles per hour"),
    "kmh": ("", "kilometres per hour"),
    "gsm": ("", "grams per square metre"),
    "lm": ("", "lumens"),
    "mp": ("MP", "megapixels"),
    "gb": ("GB", "gigabytes"),
    "tb": ("TB", "terabytes"),
    "percent": ("%", "percent"),
    "pct": ("", "percent"),
}
SPEC_UNITS = {suffix: shown for suffix, (shown, _) in UNITS.items() if shown}


def _split_unit(key: str) -> tuple[str, str]:
    words = key.split("_")
    if len(words) > 1 and words[-1].lower() in SPEC_UNITS:
        return " ".join(words[:-1]), SPEC_UNITS[words[-1].lower()]
    return " ".join(words), ""


def spec_label(key: str) -> str:
    """ "weight_kg" -> "weight" (the unit goes after the value)."""
    return _split_unit(key)[0]


def format_spec(value: str | float | bool, key: str = "") -> str:
    """A spec value as a customer reads it, with its unit: 1.18 kg, 16 GB, yes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    unit = _split_unit(key)[1] if key else ""
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def format_price(price: float, currency: str) -> str:
    return f"{price:,.2f} {currency}"


def load_catalog(path: Path) -> LoadResult:
    """Load a products file, or a folder holding one products file and a policies/ folder."""
    path = Path(path)
    if not path.exists():
        raise CatalogError(f"{path}: no such file or folder")
    if path.is_file():
        products, errors = _load_products_file(path)
        return LoadResult(products=products, errors=errors)
    product_files = sorted(p for p in path.iterdir() if p.suffix.lower() in PRODUCT_FILE_SUFFIXES)
    if not product_files:
        raise CatalogError(f"{path}: no products file (.csv, .json or .jsonl) in this folder")
    result = LoadResult()
    seen: dict[str, str] = {}
    for product_file in product_files:
        products, errors = _load_products_file(product_file, seen)
        result.products.extend(products)
        result.errors.extend(errors)
    policy_dir = path / "policies"
    if policy_dir.is_dir():
        result.policies = load_policies(policy_dir)
        result.policies_loaded = True
    return result


def load_policies(folder: Path) -> list[PolicyPage]:
    pages = []
    for page in sorted(folder.iterdir()):
        suffix = page.suffix.lower()
        if suffix not in POLICY_FILE_SUFFIXES:
            continue
        raw = page.read_text(encoding="utf-8")
        text = _html_to_text(raw) if suffix in (".html", ".htm") else raw
        title = _first_heading(text) or page.stem.replace("_", " ").title()
        pages.append(PolicyPage(topic=page.stem.lower(), title=title, text=text.strip(), source=page.name))
    return pages


def _load_products_file(path: Path, seen: dict[str, str] | None = None) -> tuple[list[Product], list[RowError]]:
    seen = {} if seen is None else seen
    products: list[Product] = []
    errors: list[RowError] = []
    for row_number, raw in _read_rows(path):
        try:
            product = parse_product(raw)
        except ValueError as exc:
            sku = str(raw.get("sku") or "").strip() if isinstance(raw, dict) else ""
            errors.append(RowError(path.name, row_number, str(exc), sku or None))
            continue
        if product.sku in seen:
            errors.append(
                RowError(path.name, row_number, f"duplicate sku {product.sku!r} (first seen {seen[product.sku]})")
            )
            continue
        seen[product.sku] = f"{path.name} row {row_number}"
        products.append(product)
    return products, errors


def _read_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (row number as a person would count it, raw row)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [f for f in REQUIRED_FIELDS if f not in (reader.fieldnames or [])]
                if missing:
                    raise CatalogError(f"{path}: header lacks required column(s): {', '.join(missing)}")
                # Row 1 is the header, so data rows start at 2 (as spreadsheets show them).
                for number, row in enumerate(reader, start=2):
                    yield number, _csv_row_to_record(row)
        elif suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("products"), list):
                data = data["products"]
            if not isinstance(data, list):
                raise CatalogError(f'{path}: expected a JSON array of products (or {{"products": [...]}})')
            yield from enumerate(data, start=1)
        elif suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        yield number, json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield number, {"__error__": f"invalid JSON ({exc.msg})"}
        else:
            raise CatalogError(f"{path}: unsupported file type {suffix!r}; use .csv, .json or .jsonl")
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text ({exc.reason})") from exc


def _csv_row_to_record(row: dict[str, str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    specs: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:  # more cells than header columns
            record["__error__"] = "more cells than header columns"
            continue
        key = key.strip()
        value = (value or "").strip()
        if key in REQUIRED_FIELDS or key in ("brand", "description", "url", "image_url"):
            record[key] = value
        elif key == "related":
            record[key] = [s.strip() for s in re.split(r"[;|]", value) if s.strip()]
        elif value:
            specs[key] = _coerce_spec(value)
    record["specs"] = specs
    return record


def _coerce_spec(value: str) -> str | float | bool:
    lowered = value.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def parse_product(raw: Any) -> Product:
    """Validate one raw record; raise ValueError naming every problem found."""
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    if "__error__" in raw:
        raise ValueError(raw["__error__"])
    problems = [f"missing {name}" for name in REQUIRED_FIELDS if _blank(raw.get(name))]
    price = _number(raw.get("price"), "price", problems, allow_float=True)
    stock = _number(raw.get("stock"), "stock", problems, allow_float=False)
    sku = str(raw.get("sku") or "").strip()
    if sku and not SKU_PATTERN.match(sku):
        problems.append(f"sku {sku!r} has characters other than letters, digits and . _ / -")
    currency = str(raw.get("currency") or "").strip().upper()
    if currency and currency not in KNOWN_CURRENCIES:
        problems.append(f"unknown currency {raw.get('currency')!r} (use an ISO 4217 code such as EUR or USD)")
    specs = raw.get("specs") or {}
    if not isinstance(specs, dict):
        problems.append("specs must be an object")
        specs = {}
    for link_field in ("url", "image_url"):  # shown as links and images in the widget: web addresses only
        link = str(raw.get(link_field) or "").strip()
        if link and not re.match(r"https?://[^\s/]+", link, re.I):
            problems.append(f"{link_field} {link[:60]!r} is not an http(s) address")
    related = raw.get("related") or []
    if isinstance(related, str):
        related = [s.strip() for s in re.split(r"[;|,]", related) if s.strip()]
    if problems:
        raise ValueError("; ".join(problems))
    assert price is not None and stock is not None
    return Product(
        sku=sku,
        name=" ".join(str(raw["name"]).split()),
        category=" ".join(str(raw["category"]).split()).lower(),
        brand=" ".join(str(raw.get("brand") or "").split()),
        price=round(price, 2),
        currency=currency,
        stock=int(stock),
        description=" ".join(str(raw.get("description") or "").split()),
        url=str(raw.get("url") or "").strip(),
        image_url=str(raw.get("image_url") or "").strip(),
        specs={str(k): _spec_value(v) for k, v in specs.items() if not _blank(v)},
        related=tuple(str(s) for s in related),
    )


def _spec_value(value: Any) -> str | float | bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return _coerce_spec(str(value).strip())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any, name: str, problems: list[str], *, allow_float: bool) -> float | None:
    if _blank(value):
        return None  # already reported as missing
    if isinstance(value, bool):
        problems.append(f"{name} {value!r} is not a number")
        return None
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        problems.append(f"{name} {value!r} is not a number")
        return None
    if not math.isfinite(number) or number < 0:
        problems.append(f"{name} {value!r} must be zero or more")
        return None
    if not allow_float and not number.is_integer():
        problems.append(f"{name} {value!r} must be a whole number")
        return None
    return number


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return None


def _html_to_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style).*?</\1>", " ", raw)
    raw = re.sub(r"(?i)<h[1-6][^>]*>", "\n# ", raw)
    raw = re.sub(r"(?i)<(br|/p|/li|/h[1-6]|/div)[^>]*>", "\n", raw)
    raw = re.sub(r"<[^>]+>", " ", raw)
    lines = (" ".join(html.unescape(line).split()) for line in raw.splitlines())
    return "\n".join(line for line in lines if line)
