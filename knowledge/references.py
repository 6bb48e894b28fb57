"""References: how facts enter a written reply without the model typing them.

The model writes `{1.name}`, `{1.price}`, `{2.weight_kg}`, `{use}`; code fills in the values from the
catalogue (`format_price`, `format_spec`, `stock_text`) and the customer's stated needs. A reference that
names no product or field of the fact sheet is an error, never guessed at.

| Reference | Filled with |
|---|---|
| `{N.name}`, `{N.brand}`, `{N.url}` | product N's name, brand, page |
| `{N.price}` | `999.00 EUR` |
| `{N.stock}` | `in stock`, `in stock (only 2 left)`, `currently out of stock` |
| `{N.<spec key>}` | `1.18 kg`, `yes` |
| `{name}`, `{use}`, `{budget}`, `{must}` | the customer's name, stated use, budget, must-haves |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.answers import Answer, CustomerContext, budget_text, price_text, stock_text
from knowledge.catalog import Product, format_spec, spec_label

REFERENCE = re.compile(r"\{([^{}\n]{1,60})\}")
MAX_SPECS_IN_NOTES = 2


class UnknownReference(ValueError):
    """A reference that the fact sheet cannot fill."""


@dataclass
class FactSheet:
    """The products of an answer, numbered from 1, and the customer's needs: what references may name."""

    products: list[Product]
    context: CustomerContext

    def value(self, reference: str) -> str:
        needs = {
            "name": self.context.name,
            "use": self.context.use_case,
            "budget": None if self.context.budget is None else budget_text(self.context.budget, self._currency()),
            "must": self.context.feature,
        }
        if reference in needs:
            value = needs[reference]
            if not value:
                raise UnknownReference(f"{{{reference}}}: the customer has not said their {reference}")
            return value
        number, dot, field = reference.partition(".")
        if not dot or not number.isdigit() or not 1 <= int(number) <= len(self.products):
            raise UnknownReference(f"{{{reference}}}: no such product or need (products 1-{len(self.products)})")
        product = self.products[int(number) - 1]
        plain = {
            "name": product.name,
            "brand": product.brand,
            "url": product.url,
            "price": price_text(product),
            "stock": stock_text(product),
        }
        if field in plain:
            if not plain[field]:
                raise UnknownReference(f"{{{reference}}}: the catalogue has no {field} for product {number}")
            return str(plain[field])
        if field in product.specs and product.specs[field] is not None:
            return format_spec(product.specs[field], field)
        raise UnknownReference(f"{{{reference}}}: product {number} has no field {field!r}")

    def _currency(self) -> str | None:
        return self.products[0].currency if self.products else None

    def fill(self, text: str) -> str:
        """The text with every reference replaced by its value; UnknownReference names the first bad one."""
        return REFERENCE.sub(lambda match: self.value(match.group(1).strip()), text)

    def facts(self) -> str:
        """Every value a reference could fill, one per line: what the gate checks the filled text against."""
        lines = []
        for index, product in enumerate(self.products, start=1):
            fields = ["name", "brand", "url", "price", "stock", *product.specs]
            lines.append("; ".join(_try(self, f"{index}.{field}") for field in fields))
        lines += [_try(self, need) for need in ("name", "use", "budget", "must")]
        return "\n".join(line for line in lines if line)


def _try(sheet: FactSheet, reference: str) -> str:
    try:
        return sheet.value(reference)
    except UnknownReference:
        return ""


def references_in(text: str) -> list[str]:
    return [match.strip() for match in REFERENCE.findall(text)]


def without_references(text: str) -> str:
    """What the model typed itself."""
    return REFERENCE.sub(" ", text)


# Asked only the price or the stock: specs in the notes are what a model appends ("It is {1.hood} and {1.packable}.")
_PRICE_OR_STOCK = ("about price", "about stock")


def notes(answer: Answer, context: CustomerContext, question: str) -> str:
    """The model's notes for one reply: the question, the needs and the numbered products, values as references."""
    needs = []  # the customer's name is not offered: code addresses them by it
    if context.use_case:
        needs.append(f"use {{use}} ({context.use_case})")
    if context.budget is not None:
        needs.append("budget {budget}")
    if context.feature:
        needs.append(f"must have {{must}} ({context.feature})")
    lines = [
        f'Customer: "{question}"',
        f"Need: {', '.join(needs) or 'nothing stated'}",
        f"Answer: {answer.task}",
    ]
    asked = {key.partition(".")[2] for key in answer.key_facts}
    for index, product in enumerate(answer.products, start=1):
        line = f"[{index}] {{{index}.name}} {{{index}.price}}, {{{index}.stock}}"
        if index <= len(answer.reasons):
            line += f'; why: "{answer.reasons[index - 1]}"'
        # A recommendation's reason is what to say, and a closing, objection or cross-sell is about buying: the
        # cards carry the specs (a model given them appends "Adjustable arms yes, and colour black.")
        if answer.reasons or answer.kind not in ("lookup", "compare") or answer.task.endswith(_PRICE_OR_STOCK):
            lines.append(line)
            continue
        keys = [k for k in product.specs if k in asked] or list(product.specs)[:MAX_SPECS_IN_NOTES]
        specs = [f"{spec_label(k)} {{{index}.{k}}}" for k in keys if product.specs[k] is not None]
        if specs:
            line += f"; {', '.join(specs)}"
        lines.append(line)
    return "\n".join(lines)
