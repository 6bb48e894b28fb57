"""Prompts for the reply writer: instructions, one worked example of the same kind of answer, the notes.

The examples are written for invented shops (headphones, cameras, e-bikes), none of the test shops. Which
example a reply gets depends on its kind and, among that kind's examples, on the question, so openings
vary. The customer's message is quoted inside the notes, never appended to the instructions, so "ignore
your instructions" is just text to answer.
"""

from __future__ import annotations

import re

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate, HumanMessagePromptTemplate

from knowledge.answers import Answer, CustomerContext, varied
from knowledge.catalog import Product, spec_label

SYSTEM_PROMPT = (
    "You write a shop assistant's chat reply from the NOTES. "
    "Write every product name, price, number, stock state and link only as the {references} in the NOTES, "
    "never type them yourself. Write 1 to 3 short sentences: answer first, then why it fits the customer, "
    "using the words after 'why'. Describe products only with words from the NOTES. Do not ask a question."
)

# Distinctive pieces of the instructions: a reply containing one of them leaks the prompt.
SECRET_FRAGMENTS = [
    "shop assistant's chat reply",
    "only as the {references}",
    "never type them yourself",
    "words after 'why'",
    "Describe products only with words",
    "NOTES:",
]

# (what the task contains, notes, reply): the first example whose marker is in the answer's task is used;
# among several with the same marker, the question chooses.
Example = tuple[str, str, str]
_RECOMMEND: list[Example] = [
    (
        "[2], [3]",
        'Customer: "a tent for a festival, under 300"\n'
        "Need: use {use} (a festival), budget {budget}\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "you said a festival: it is made “for festivals and weekend trips”"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "{2.price} is within your budget of {budget}"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "{3.price} is within your budget of {budget}"',
        "I'd pick the {1.name} at {1.price}: it's made for festivals and weekend trips. "
        "The {2.name} ({2.price}) and the {3.name} ({3.price}) are also within your budget.",
    ),
    (
        "[2], [3]",
        'Customer: "something to keep coffee hot on a long hike"\n'
        "Need: use {use} (a long hike)\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "you said a long hike: it is made “for hikers and long days out”"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "its description mentions hiking"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "its description mentions coffee"',
        "I'd pick the {1.name} at {1.price}: it's made for hikers and long days out. "
        "The {2.name} ({2.price}) and the {3.name} ({3.price}) are other good options.",
    ),
    (
        "[2], [3]",
        'Customer: "what rain jackets do you have under 120?"\n'
        "Need: budget {budget}\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "{1.price} is within your budget of {budget}"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "{2.price} is within your budget of {budget}"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "{3.price} is within your budget of {budget}"',
        "Under {budget}, I'd start with the {1.name} at {1.price}. "
        "The {2.name} ({2.price}) and the {3.name} ({3.price}) fit your budget too.",
    ),
    (
        "[2], [3]",
        'Customer: "which kettles have you got?"\n'
        "Need: nothing stated\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "one of our kettles in stock"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "one of our kettles in stock"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "one of our kettles in stock"',
        "A good one to start with is the {1.name} at {1.price}. "
        "We also have the {2.name} ({2.price}) and the {3.name} ({3.price}).",
    ),
    (
        "[2], [3]",
        'Customer: "show me your day packs"\n'
        "Need: nothing stated\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "it is made “for city commutes and short hikes”"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "one of our day packs in stock"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "one of our day packs in stock"',
        "The {1.name} at {1.price} is made for city commutes and short hikes. "
        "The {2.name} ({2.price}) and the {3.name} ({3.price}) are the other day packs we have.",
    ),
    (
        "[2], [3]",
        'Customer: "rain jackets with a hood?"\n'
        "Need: nothing stated\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "it has hood, which you asked for"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "it has hood, which you asked for"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "it has hood, which you asked for"',
        "I'd pick the {1.name} at {1.price}: it has a hood, which you asked for. "
        "The {2.name} ({2.price}) and the {3.name} ({3.price}) have one too.",
    ),
    (
        "recommend",
        'Customer: "a desk lamp that is dimmable"\n'
        "Need: nothing stated\n"
        "Answer: recommend [1]; also mention [2]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "it is dimmable, which you asked for"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "it is dimmable, which you asked for"',
        "The {1.name} at {1.price} is dimmable, as you asked, and so is the {2.name} at {2.price}.",
    ),
    (
        "[2], [3]",
        'Customer: "a tent for a festival"\n'
        "Need: use {use} (a festival)\n"
        "Answer: recommend [1]; also mention [2], [3]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "its description does not mention a festival"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "its description does not mention a festival"\n'
        '[3] {3.name} {3.price}, {3.stock}; why: "its description does not mention a festival"',
        "None of these is described as made for {use}, I'm afraid. The closest are the {1.name} at {1.price}, "
        "the {2.name} ({2.price}) and the {3.name} ({3.price}).",
    ),
    (
        "recommend",
        'Customer: "a rucksack with a rain cover, under 90"\n'
        "Need: budget {budget}\n"
        "Answer: recommend [1]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "it has rain cover, which you asked for"',
        "For {budget}, the one I'd pick is the {1.name} at {1.price}: it has a rain cover, which you asked for.",
    ),
    (
        "recommend",
        'Customer: "a bread knife under 40"\n'
        "Need: budget {budget}\n"
        "Answer: recommend [1]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "{1.price} is within your budget of {budget}"',
        "Under {budget}, the {1.name} at {1.price} is the one that fits.",
    ),
    (
        "recommend",
        'Customer: "any yoga mats?"\n'
        "Need: nothing stated\n"
        "Answer: recommend [1]; also mention [2]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "one of our yoga mats in stock"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "one of our yoga mats in stock"',
        "Yes: we have the {1.name} at {1.price} and the {2.name} at {2.price}.",
    ),
    (
        "recommend",
        'Customer: "I need headphones for the gym, under 150"\n'
        "Need: use {use} (the gym), budget {budget}\n"
        "Answer: recommend [1]; also mention [2]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "you said the gym: it is made “for workouts and running”"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "{2.price} is within your budget of {budget}"',
        "For {use}, I'd pick the {1.name} at {1.price}: it's made for workouts and running. "
        "The {2.name} at {2.price} is also within your budget.",
    ),
    (
        "recommend",
        'Customer: "a camera for travel, something light"\n'
        "Need: use {use} (travel), must have {must} (light)\n"
        "Answer: recommend [1]; also mention [2]\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "weight: {1.weight_g}, for your wish “light”"\n'
        '[2] {2.name} {2.price}, {2.stock}; why: "its description mentions travel"',
        "The {1.name} ({1.price}) is a good match: it has a weight of {1.weight_g}. "
        "The {2.name} at {2.price} is another option, made with travel in mind.",
    ),
    (
        "say honestly",
        'Customer: "an e-bike under 1500"\n'
        "Need: budget {budget}\n"
        "Answer: say honestly that nothing is within the budget; [1] is the closest, a little over it\n"
        '[1] {1.name} {1.price}, {1.stock}; why: "{1.price}, a little over your budget of {budget}: the closest we '
        'have"',
        "Nothing we have is within {budget}, I'm afraid. The closest is the {1.name} at {1.price}, "
        "a little over your budget.",
    ),
]
_LOOKUP: list[Example] = [
    (
        "about price",
        'Customer: "how much are the pulse buds?"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about price\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "The {1.name} costs {1.price} and is {1.stock}.",
    ),
    (
        "about price",
        'Customer: "whats the price of the trail e5"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about price\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "It's {1.price} for the {1.name}, and it is {1.stock}.",
    ),
    (
        "about stock",
        'Customer: "is the snapcam x2 available?"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about stock\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "The {1.name} is {1.stock}.",
    ),
    (
        "about stock",
        'Customer: "got the pulse buds in?"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about stock\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "Right now the {1.name} is {1.stock}; it costs {1.price}.",
    ),
    (
        "about everything",
        'Customer: "tell me about the trail e5"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about everything\n"
        "[1] {1.name} {1.price}, {1.stock}; range {1.range_km}, weight {1.weight_kg}, motor {1.motor_w}",
        "The {1.name} costs {1.price} and is {1.stock}. It has a range of {1.range_km} and a weight of {1.weight_kg}.",
    ),
    (
        "about",
        'Customer: "how heavy is the snapcam x2?"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about weight\n"
        "[1] {1.name} {1.price}, {1.stock}; weight {1.weight_g}",
        "The {1.name} has a weight of {1.weight_g}.",
    ),
]
_COMPARE: list[Example] = [
    (
        "tied",
        'Customer: "which has more zoom, the snapcam x2 or the snapcam x4?"\n'
        "Need: nothing stated\n"
        "Answer: say they are tied on zoom\n"
        "[1] {1.name} {1.price}, {1.stock}; zoom {1.zoom_x}\n"
        "[2] {2.name} {2.price}, {2.stock}; zoom {2.zoom_x}",
        "The {1.name} and the {2.name} are tied, both with a zoom of {1.zoom_x}.",
    ),
    (
        "say",
        'Customer: "what is your lightest camera?"\n'
        "Need: nothing stated\n"
        "Answer: say [1] is the lightest of our cameras\n"
        "[1] {1.name} {1.price}, {1.stock}; weight {1.weight_g}, zoom {1.zoom_x}",
        "The {1.name} is the lightest of our cameras, with a weight of {1.weight_g}. It costs {1.price}.",
    ),
    (
        "say",
        'Customer: "which is lighter, the trail e5 or the city e3?"\n'
        "Need: nothing stated\n"
        "Answer: say [2] is the lightest of these\n"
        "[1] {1.name} {1.price}, {1.stock}; weight {1.weight_kg}, range {1.range_km}\n"
        "[2] {2.name} {2.price}, {2.stock}; weight {2.weight_kg}, range {2.range_km}",
        "The {2.name} is the lightest of these, with a weight of {2.weight_kg} against {1.weight_kg} for the {1.name}.",
    ),
    (
        "compare",
        'Customer: "compare the snapcam x2 and the snapcam x4"\n'
        "Need: nothing stated\n"
        "Answer: compare them\n"
        "[1] {1.name} {1.price}, {1.stock}; zoom {1.zoom_x}, weight {1.weight_g}\n"
        "[2] {2.name} {2.price}, {2.stock}; zoom {2.zoom_x}, weight {2.weight_g}",
        "The {1.name} costs {1.price} with a zoom of {1.zoom_x}; the {2.name} costs {2.price} "
        "with a zoom of {2.zoom_x}.",
    ),
]
_OBJECTION: list[Example] = [
    (
        "[3] cost less",
        'Customer: "hmm, bit much for me"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] and [3] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}\n"
        "[3] {3.name} {3.price}, {3.stock}",
        "I understand, but I can't offer a discount on the {1.name} at {1.price}. "
        "The {2.name} ({2.price}) and the {3.name} ({3.price}) cost less.",
    ),
    (
        "[3] cost less",
        'Customer: "can you do better on the price?"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] and [3] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}\n"
        "[3] {3.name} {3.price}, {3.stock}",
        "Fair question. Our price for the {1.name} is {1.price} and I can't offer a discount, but the {2.name} "
        "({2.price}) and the {3.name} ({3.price}) cost less.",
    ),
    (
        "[3] cost less",
        'Customer: "too pricey for me"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] and [3] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}\n"
        "[3] {3.name} {3.price}, {3.stock}",
        "Sorry, no discount is possible: the {1.name} stays at {1.price}. For less, there is the {2.name} at {2.price} "
        "or the {3.name} at {3.price}.",
    ),
    (
        "[3] cost less",
        'Customer: "it\'s more than I wanted to spend"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] and [3] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}\n"
        "[3] {3.name} {3.price}, {3.stock}",
        "I can't change the price: the {1.name} is {1.price}. If that's too much, the {2.name} ({2.price}) and "
        "the {3.name} ({3.price}) both cost less.",
    ),
    (
        "cost less",
        'Customer: "is there any way to get it cheaper?"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Our prices are as listed, so the {1.name} stays at {1.price}; if you'd like to spend less, the {2.name} "
        "is {2.price}.",
    ),
    (
        "cost less",
        'Customer: "that\'s too expensive"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "That's fair to ask. I can't offer a discount on the {1.name} at {1.price}, "
        "but the {2.name} costs less at {2.price}.",
    ),
    (
        "cost less",
        'Customer: "hmm, a bit steep"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Sorry, the {1.name} stays at {1.price}: I can't take anything off. The {2.name} is a cheaper choice at "
        "{2.price}.",
    ),
    (
        "affordable",
        'Customer: "bit pricey"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [1] is already our most affordable option\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "I see. The {1.name} is {1.price} and I can't offer a discount, but it is already our most affordable option.",
    ),
    (
        "affordable",
        'Customer: "any discount on it?"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [1] is already our most affordable option\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "Sadly not: the {1.name} is {1.price} as listed, and it is already our most affordable option.",
    ),
]
_CLOSING: list[Example] = [
    (
        "goes with it",
        'Customer: "ok, I\'ll take it"\n'
        "Need: nothing stated\n"
        "Answer: confirm the choice and say how to order [1] at {1.url}; mention [2] goes with it\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Here is the link for the {1.name} ({1.price}): {1.url}. The {2.name} goes with it, if you need one.",
    ),
    (
        "goes with it",
        'Customer: "that one, please"\n'
        "Need: nothing stated\n"
        "Answer: confirm the choice and say how to order [1] at {1.url}; mention [2] goes with it\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Lovely, you can order the {1.name} ({1.price}) here: {1.url}. If you like, the {2.name} goes with it.",
    ),
    (
        "goes with it",
        'Customer: "sold, I\'ll have it"\n'
        "Need: nothing stated\n"
        "Answer: confirm the choice and say how to order [1] at {1.url}; mention [2] goes with it\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Good pick. To order the {1.name} at {1.price}, go to {1.url}; our catalogue lists the {2.name} as "
        "going with it.",
    ),
    (
        "order",
        'Customer: "I\'ll buy it"\n'
        "Need: nothing stated\n"
        "Answer: confirm the choice and say how to order [1] at {1.url}\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "The {1.name} is {1.price}, and you can order it here: {1.url}.",
    ),
    (
        "order",
        'Customer: "ok, that one"\n'
        "Need: nothing stated\n"
        "Answer: confirm the choice and say how to order [1] at {1.url}\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "Lovely, you can order the {1.name} ({1.price}) here: {1.url}.",
    ),
]
_CROSS_SELL: list[Example] = [
    (
        "[1] and [2]",
        'Customer: "anything to go with it?"\n'
        "Need: nothing stated\n"
        "Answer: suggest [1] and [2]: our catalogue lists them as going with the product the customer chose\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "The {1.name} at {1.price} and the {2.name} at {2.price} go with it.",
    ),
    (
        "[1] and [2]",
        'Customer: "do I need anything else?"\n'
        "Need: nothing stated\n"
        "Answer: suggest [1] and [2]: our catalogue lists them as going with the product the customer chose\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Two things go with it: the {1.name} ({1.price}) and the {2.name} ({2.price}).",
    ),
    (
        "[1] and [2]",
        'Customer: "what would go with that?"\n'
        "Need: nothing stated\n"
        "Answer: suggest [1] and [2]: our catalogue lists them as going with the product the customer chose\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "Our catalogue pairs it with the {1.name} at {1.price} and the {2.name} at {2.price}.",
    ),
    (
        "suggest",
        'Customer: "what else do I need with it?"\n'
        "Need: nothing stated\n"
        "Answer: suggest [1]: our catalogue lists them as going with the product the customer chose\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "The {1.name} at {1.price} goes well with it.",
    ),
    (
        "suggest",
        'Customer: "any extras for it?"\n'
        "Need: nothing stated\n"
        "Answer: suggest [1]: our catalogue lists them as going with the product the customer chose\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "To go with it, there is the {1.name} at {1.price}.",
    ),
]
EXAMPLES: dict[str, list[Example]] = {
    "recommend": _RECOMMEND,
    "lookup": _LOOKUP,
    "compare": _COMPARE,
    "objection": _OBJECTION,
    "closing": _CLOSING,
    "cross_sell": _CROSS_SELL,
}


def needs_known(context: CustomerContext) -> frozenset[str]:
    """The needs the customer stated that a worked example should also have: "use", "budget"."""
    return frozenset(need for need, said in (("use", context.use_case), ("budget", context.budget is not None)) if said)


def example_for(
    kind: str,
    task: str,
    question: str,
    products: int = 0,
    vary_by: str = "",
    known: frozenset[str] = frozenset(),
    first_reason: str = "",
) -> tuple[str, str]:
    """A worked example of this kind of answer: the first marker the task contains; among the examples with
    that marker, those with as many products as the answer (a small model copies the example's shape), then
    those that talk of a budget and of a use only if the customer gave one (`known`: the model copies "also
    within your budget", and with no use of the customer's it copies the example's "made for hikers"), and
    among those the question and `vary_by` (the product) choose, so openings vary ("too expensive" said of
    two products gets two examples) and the same question about the same product gets the same example."""
    examples = EXAMPLES.get(kind) or _RECOMMEND
    marker = next((e[0] for e in examples if e[0] in task), examples[0][0])
    matching = [e for e in examples if e[0] == marker]
    matching = [e for e in matching if _products_in(e[1]) == products] or matching
    for need in ("budget", "use"):
        matching = [e for e in matching if (f"{{{need}}}" in e[1]) == (need in known)] or matching
    # the same kind of reason as the product's: an example quoting a "made for" where the product has none is
    # copied, and one giving no reason drops the product's "it is waterproof, which you asked for"
    kind = _reason_kind(first_reason)
    matching = [e for e in matching if _reason_kind(_first_reason(e[1])) == kind] or matching
    _, notes, reply = varied(matching, f"{question} {vary_by}")
    return notes, reply


_MADE_FOR_QUOTE = "made “for"


def _reason_kind(reason: str) -> str:
    """ "made for" (the product's own words quoted), "asked for" (a must-have it has), "not mentioned" (the use
    said, which its text does not speak to), "budget" or "plain"."""
    if _MADE_FOR_QUOTE in reason:
        return "made for"
    if "which you asked for" in reason or "for your wish" in reason:
        return "asked for"
    if "does not mention" in reason:
        return "not mentioned"
    return "budget" if "budget" in reason else "plain"


def _first_reason(notes: str) -> str:
    return next((line.partition("why:")[2] for line in notes.splitlines() if line.startswith("[1]")), "")


def _products_in(notes: str) -> int:
    return sum(line.startswith("[") for line in notes.splitlines())


def reply_prompt(example: tuple[str, str] | None) -> ChatPromptTemplate:
    """System instructions, a worked example (`example_for`: fixed messages, their braces are references, not
    variables), then the notes. Without an example (a model fine-tuned on this task), the instructions and the
    notes."""
    shown: list[HumanMessage | AIMessage] = []
    if example is not None:
        notes, reply = example
        shown = [HumanMessage(f"NOTES:\n{notes}"), AIMessage(reply)]
    return ChatPromptTemplate.from_messages(
        [SystemMessage(SYSTEM_PROMPT), *shown, HumanMessagePromptTemplate.from_template("NOTES:\n{notes}")]
    )


_RECOMMEND_OPENINGS = (
    "I'd recommend the {1.name} at {1.price}",
    "The {1.name} ({1.price}) would be my pick",
    "My pick is the {1.name} at {1.price}",
)
_OBJECTION_OPENINGS = (
    "I understand, but I can't offer a discount on the {1.name} at {1.price}",
    "Fair enough; I can't offer a discount on the {1.name} at {1.price}",
    "I hear you. Our price for the {1.name} is {1.price}, and I can't offer a discount",
)
_CLOSING_OPENINGS = (
    "Great choice! The {1.name} is {1.price}",
    "Good pick: the {1.name} is {1.price}",
    "Lovely! The {1.name} comes to {1.price}",
)
_WINNER_TASK = re.compile(r"^say \[(\d)\] (is the \w+|has the \w+ [\w ]+?) (of [\w ]+)$")


def _varied(openings: tuple[str, ...], question: str, product: Product) -> str:
    """One of several openings, chosen by the question and the product."""
    return varied(openings, f"{question} {product.sku}")


def _value_phrase(number: str, key: str) -> str:
    return f", at {{{number}.price}}" if key == "price" else f", with a {spec_label(key)} of {{{number}.{key}}}"


def opening(answer: Answer, context: CustomerContext, question: str) -> str:
    """The first words of the reply, holding what was asked, for a model that continues a reply: the answer
    comes first by construction and the model writes the rest (why it fits, what else to know). Empty when
    the answer has no single fact to open with (a side-by-side comparison, a tie, a yes/no spec)."""
    task = answer.task
    if not task or not answer.products:
        return ""
    first = answer.products[0]
    if answer.kind == "lookup":
        asked = [key.partition(".")[2] for key in answer.key_facts if key.startswith("1.")]
        if "stock" in asked and "price" in asked:
            return "The {1.name} costs {1.price} and is {1.stock}"
        if not asked or asked[0] in ("name", "price"):
            return "The {1.name} costs {1.price}"
        if asked == ["stock"]:
            return "The {1.name} is {1.stock}"
        key = asked[0]
        value = first.specs.get(key)
        if isinstance(value, bool) or str(value).lower() in ("yes", "no"):
            return ""
        return f"The {{1.name}} has a {spec_label(key)} of {{1.{key}}}"
    if answer.kind == "compare":
        winner = _WINNER_TASK.match(task)
        if winner is None:
            return ""
        number, predicate, scope = winner.groups()
        asked = [k.partition(".")[2] for k in answer.key_facts if k.startswith(f"{number}.")]
        value = next((_value_phrase(number, key) for key in asked if key != "name"), "")
        return f"The {{{number}.name}} {predicate} {scope}{value}"
    if answer.kind == "recommend":
        if task.startswith("say honestly"):
            within = "within your budget of {budget}" if context.budget is not None else "a perfect fit"
            return f"Nothing we have is {within}, I'm afraid: the closest is the {{1.name}} at {{1.price}}"
        if context.use_case:
            return "For {use}, I'd pick the {1.name} at {1.price}"
        return _varied(_RECOMMEND_OPENINGS, question, first)
    if answer.kind == "objection":
        return _varied(_OBJECTION_OPENINGS, question, first)
    if answer.kind == "closing":
        ordering = ", and you can order it here: {1.url}" if "1.url" in answer.key_facts else ""
        return _varied(_CLOSING_OPENINGS, question, first) + ordering
    if answer.kind == "cross_sell":
        return "The {1.name} at {1.price}"
    return ""
