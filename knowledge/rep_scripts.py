"""Scripts for human sales reps, per product: a short pitch, the questions to ask, answers to the common
objections and a closing line. Everything is built from the catalogue and the shop's policy pages by the
same decided answers the assistant sends (knowledge/sales.py), and every section passes the fact gate
(knowledge/gate.py) against the product's facts before it is used; a section that does not is left out and
named. `salesbot scripts` writes them as Markdown; the agent console suggests them as replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge import sales
from knowledge.answers import CustomerContext, price_text, stock_text
from knowledge.catalog import Product, format_spec, spec_label
from knowledge.engine import KnowledgeEngine
from knowledge.gate import check_reply

OBJECTIONS = {"price": "It's too expensive.", "quality": "Is it any good?",
              "competitor": "It's cheaper elsewhere.", "timing": "I'll think about it."}  # fmt: skip
MAX_PITCH_SPECS = 4
MAX_SPEC_QUESTIONS = 3
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)")


@dataclass
class RepScript:
    product: Product
    pitch: str = ""
    questions: list[str] = field(default_factory=list)
    objections: dict[str, str] = field(default_factory=dict)  # what the customer says -> the answer
    closing: str = ""
    left_out: list[str] = field(default_factory=list)  # sections the fact gate rejected, with why

    def replies(self) -> list[str]:
        """The suggested replies of the agent console: pitch, the objection answers, the closing line."""
        return [t for t in (self.pitch, *self.objections.values(), self.closing) if t]


def pitch(product: Product) -> str:
    specs = ", ".join(f"{spec_label(k)} {format_spec(v, k)}" for k, v in list(product.specs.items())[:MAX_PITCH_SPECS])
    opening = _FIRST_SENTENCE.match(product.description.strip())
    text = f"The {product.name} costs {price_text(product)} and is {stock_text(product)}."
    if opening:
        text += f" {opening.group(1)}"
    return f"{text} Key facts: {specs}." if specs else text


def questions(engine: KnowledgeEngine, product: Product) -> list[str]:
    """The needs-discovery questions, then the specs that tell this category's products apart."""
    asked = [
        "What will you mainly use it for?",
        "What budget do you have in mind?",
    ]
    pool = [p for p in engine.products() if p.category == product.category]
    varying = [k for k in product.specs if len({str(p.specs.get(k)) for p in pool}) > 1]
    for key in varying[:MAX_SPEC_QUESTIONS]:
        value = product.specs[key]
        label = spec_label(key)
        asked.append(f"Do you need {label}?" if isinstance(value, bool) else f"How much does {label} matter to you?")
    return asked


def rep_script(engine: KnowledgeEngine, product: Product) -> RepScript:
    script = RepScript(product)
    context = CustomerContext(category=product.category)
    answers = {said: sales.objection(engine, kind, product, context) for kind, said in OBJECTIONS.items()}
    closing_answer, _ = sales.closing(engine, product, offer_accessory=True)
    decided = [*answers.values(), closing_answer]
    # The facts: the product's record and what the decided answers quote from the catalogue and policies.
    facts = "\n".join([product.document_text(), *(a.rendered for a in decided)])
    names = [product.name, *(p.name for a in decided for p in a.products)]
    catalogue = engine.products()
    brands = sorted({p.brand for p in catalogue if p.brand})

    def gated(section: str, text: str) -> str:
        result = check_reply(
            text, facts, allowed_names=names, catalogue_names=[p.name for p in catalogue],
            catalogue_brands=brands, secret_fragments=[],
        )  # fmt: skip
        if not result.passed:
            script.left_out.append(f"{section}: {'; '.join(result.reasons)}")
            return ""
        return text

    script.pitch = gated("pitch", pitch(product))
    script.questions = [q for q in questions(engine, product) if gated("question", q)]
    for said, answer in answers.items():
        if gated(f"objection {said!r}", answer.rendered):
            script.objections[said] = answer.rendered
    ask = f"Shall we get the {product.name} ordered for you? " if product.in_stock else ""
    script.closing = gated("closing", ask + closing_answer.rendered)
    return script


def select(engine: KnowledgeEngine, what: str | None) -> list[Product]:
    """Products by SKU, or every product of a category, or all; raises LookupError naming what was asked."""
    products = engine.products()
    if not what:
        return products
    found = [p for p in products if p.sku.lower() == what.lower()]
    found = found or [p for p in products if p.category.lower() == (engine.resolve_category(what) or what).lower()]
    if not found:
        raise LookupError(f"{what!r} is neither a SKU nor a category of this shop ({', '.join(engine.categories())})")
    return found


def markdown(scripts: list[RepScript]) -> str:
    out = []
    for s in scripts:
        p = s.product
        out += [f"## {p.name} ({p.sku}, {p.category})", "", "**Pitch.** " + (s.pitch or "(left out)"), ""]
        out += ["**Questions to ask.**", *(f"- {q}" for q in s.questions), ""]
        out += ["**Objections.**"]
        for said, answer in s.objections.items():
            out += [f"- *“{said}”*", *(f"  {line}" for line in answer.splitlines())]
        out += ["", "**Closing.** " + (s.closing.replace("\n", " ") or "(left out)"), ""]
        if s.left_out:
            out += ["*Left out by the fact gate:* " + "; ".join(s.left_out), ""]
    return "\n".join(out)
