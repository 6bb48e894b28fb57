"""Prompts for the reply writer: instructions, one worked example of the same kind of answer, the notes.

The examples are written for invented shops (headphones, cameras, e-bikes), none of the test shops. Which
example a reply gets depends on its kind and, among that kind's examples, on the question, so openings
vary. The customer's message is quoted inside the notes, never appended to the instructions, so "ignore
your instructions" is just text to answer.
"""

from __future__ import annotations

import zlib

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate, HumanMessagePromptTemplate

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
        "[1] {1.name} {1.price}, {1.stock}; battery {1.battery_h}, weight {1.weight_g}",
        "The {1.name} costs {1.price} and is {1.stock}.",
    ),
    (
        "about stock",
        'Customer: "is the snapcam x2 available?"\n'
        "Need: nothing stated\n"
        "Answer: answer the question about stock\n"
        "[1] {1.name} {1.price}, {1.stock}; zoom {1.zoom_x}",
        "The {1.name} is {1.stock}.",
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
        "cost less",
        'Customer: "that\'s too expensive"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [2] cost less\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "I understand. I can't offer a discount on the {1.name} at {1.price}, "
        "but the {2.name} costs less at {2.price}.",
    ),
    (
        "affordable",
        'Customer: "bit pricey"\n'
        "Need: nothing stated\n"
        "Answer: say kindly that we can't offer a discount on [1]; [1] is already our most affordable in stock\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "I understand, but I can't offer a discount: the {1.name} at {1.price} is already our most affordable "
        "option in stock.",
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
        "Great choice! The {1.name} is {1.price}, and you can order it here: {1.url}. "
        "Our catalogue lists the {2.name} as going with it.",
    ),
    (
        "order",
        'Customer: "I\'ll buy it"\n'
        "Need: nothing stated\n"
        "Answer: confirm the choice and say how to order [1] at {1.url}\n"
        "[1] {1.name} {1.price}, {1.stock}",
        "Great choice! The {1.name} is {1.price}, and you can order it here: {1.url}.",
    ),
]
_CROSS_SELL: list[Example] = [
    (
        "suggest",
        'Customer: "anything to go with it?"\n'
        "Need: nothing stated\n"
        "Answer: suggest [1] and [2]: our catalogue lists them as going with the product the customer chose\n"
        "[1] {1.name} {1.price}, {1.stock}\n"
        "[2] {2.name} {2.price}, {2.stock}",
        "The {1.name} at {1.price} and the {2.name} at {2.price} go with it.",
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


def example_for(kind: str, task: str, question: str) -> tuple[str, str]:
    """A worked example of this kind of answer: the first whose marker the task contains (several with that
    marker: the question chooses, so openings vary and the same question gets the same example)."""
    examples = EXAMPLES.get(kind) or _RECOMMEND
    marker = next((e[0] for e in examples if e[0] in task), examples[0][0])
    matching = [e for e in examples if e[0] == marker]
    _, notes, reply = matching[zlib.crc32(question.encode()) % len(matching)]
    return notes, reply


def reply_prompt(kind: str, task: str, question: str) -> ChatPromptTemplate:
    """System instructions, a worked example (fixed messages: their braces are references, not variables),
    then the notes."""
    notes, reply = example_for(kind, task, question)
    return ChatPromptTemplate.from_messages(
        [
            SystemMessage(SYSTEM_PROMPT),
            HumanMessage(f"NOTES:\n{notes}"),
            AIMessage(reply),
            HumanMessagePromptTemplate.from_template("NOTES:\n{notes}"),
        ]
    )
