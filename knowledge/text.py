"""Reading a customer's words against a catalogue: product names, categories, budgets, specs.

Everything here is deterministic string work, so it behaves the same for any shop's
catalogue and can be unit-tested without models.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from knowledge.catalog import Product

_WORD = re.compile(r"[^\W_]+(?:[.][0-9]+)?")  # letters of any script and digits
# The units customers say, as the unit part of a spec key ("how many litres" asks about "volume_l").
SAID_UNITS = {
    **dict.fromkeys(["kg", "kilo", "kilos", "kilogram", "kilograms"], "kg"),
    **dict.fromkeys(["g", "gram", "grams"], "g"),
    **dict.fromkeys(["hours", "hour", "hrs", "h"], "hours"),
    **dict.fromkeys(["inches", "inch", "in"], "inches"),
    **{unit: unit for unit in ("gb", "tb", "mah", "hz")},
    **dict.fromkeys(["mp", "megapixel", "megapixels"], "mp"),
    **dict.fromkeys(["w", "watt", "watts"], "w"),
    **dict.fromkeys(["mm", "millimetre", "millimetres", "millimeter", "millimeters"], "mm"),
    **dict.fromkeys(["cm", "centimetre", "centimetres", "centimeter", "centimeters"], "cm"),
    **dict.fromkeys(["m", "metre", "metres", "meter", "meters"], "m"),
    **dict.fromkeys(["km", "kilometre", "kilometres", "kilometer", "kilometers"], "km"),
    **dict.fromkeys(["m2", "sqm"], "m2"),
    **dict.fromkeys(["l", "litre", "litres", "liter", "liters"], "l"),
    **dict.fromkeys(["ml", "millilitre", "millilitres", "milliliter", "milliliters"], "ml"),
    **dict.fromkeys(["min", "mins", "minute", "minutes"], "min"),
    **dict.fromkeys(["yd", "yds", "yard", "yards"], "yd"),
    **dict.fromkeys(["foot", "feet"], "ft"),  # not "ft" said: forints ("100.000 Ft"); a key may end in "_ft"
    **dict.fromkeys(["deg", "degree", "degrees"], "deg"),
    **dict.fromkeys(["lb", "lbs"], "lb"),  # not "pounds": a price in most shops that sell by the pound
    **dict.fromkeys(["oz", "ounce", "ounces"], "oz"),
    "mph": "mph",
}
UNIT_WORDS = frozenset(SAID_UNITS)
_AMBIGUOUS_UNITS = frozenset("in h m l g w foot".split())  # "is it in stock", "a 4 m tent": only with a number
_SIZE_UNITS = frozenset("mm cm m km inches l ml m2".split())
_SIZE_WORDS = frozenset(
    "big bigger biggest small smaller smallest large larger largest size long longer tall wide".split()
)
# Words customers use for a spec, mapped to the words that may appear in a shop's spec keys (space-separated,
# most likely first): "biggest" is the screen on a phone and the capacity of a tent, whichever key the shop has.
SPEC_SYNONYMS = {
    **dict.fromkeys(
        ["big", "bigger", "biggest", "large", "larger", "largest", "small", "smaller", "smallest", "size"],
        "screen size capacity volume width length",
    ),
    **dict.fromkeys(["heavy", "light", "lighter", "lightest", "heavier", "heaviest", "weigh", "weighs"], "weight"),
    **dict.fromkeys(["bright", "brighter", "brightest"], "brightness lumen"),
    # warmth is a tog or fill figure (more is warmer) or a comfort temperature (lower is warmer)
    **dict.fromkeys(["warm", "warmer", "warmest", "warmth"], "warmth tog insulation fill comfort temp"),
    **dict.fromkeys(["quiet", "quieter", "quietest", "loud", "louder", "loudest"], "noise"),
    **dict.fromkeys(["powerful", "strongest", "stronger", "watts", "wattage"], "power wattage watts w"),
    **dict.fromkeys(["wide", "wider", "widest"], "width"),
    **dict.fromkeys(["fast", "faster", "fastest", "quick", "quicker", "quickest"], "speed time"),
    **dict.fromkeys(["tall", "taller", "tallest", "high", "higher", "highest"], "height"),
    **dict.fromkeys(["narrow", "narrower", "narrowest"], "width"),
    # how deep a watch goes is its water resistance, where the products have no depth
    **dict.fromkeys(["deep", "deeper", "deepest"], "depth water"),
    **dict.fromkeys(["underwater", "dive", "diving", "diver", "divers"], "water depth"),
    **dict.fromkeys(["thin", "thinner", "thinnest", "slim", "slimmer", "slimmest"], "thickness depth"),
    # thick paper is heavy paper: its grams per square metre
    # a mattress's thickness is its height
    **dict.fromkeys(["thick", "thicker", "thickest"], "thickness depth gsm height"),
    # what floats most has the most volume
    **dict.fromkeys(["float", "floats", "floatier", "floatiest", "buoyant", "buoyancy"], "volume buoyancy"),
    **dict.fromkeys(["short", "shorter", "shortest", "long", "longer", "longest"], "length battery"),
    **dict.fromkeys(["roomy", "roomier", "roomiest", "holds", "hold"], "capacity volume"),
    **dict.fromkeys(["coeliac", "celiac", "coeliacs", "celiacs"], "gluten"),
    # skin that reacts to metal wants nickel-free, hypoallergenic pieces
    **dict.fromkeys(["itchy", "itch", "itches", "allergic", "allergy", "allergies", "rash"], "nickel hypoallergenic"),
    "pack": "weight",  # "the bigger pack" of pasta weighs more
    **dict.fromkeys(["people", "person", "sleeps", "sleep", "seats", "seat"], "persons people seats capacity"),
    **dict.fromkeys(["made", "fabric", "materials"], "material fabric wood shell"),
    **dict.fromkeys(["where", "origin", "grown", "produced"], "origin country region"),
    **dict.fromkeys(["leftie", "lefty", "lefties", "leftys", "lefthanded", "southpaw"], "left"),
    "battery": "battery",
    "charge": "battery",
    "display": "screen",
    "memory": "ram",
    "space": "storage capacity",
    "camera": "camera",
    **dict.fromkeys(["megapixel", "megapixels"], "resolution camera"),
    "refresh": "refresh",
    "resolution": "resolution",
    "noise": "noise",
    "anc": "noise",
    "cancelling": "noise",
    "canceling": "noise",
    "wireless": "wireless",
    "bluetooth": "wireless",
    "processor": "cpu",
    "chip": "cpu",
    "graphics": "gpu",
    "stylus": "stylus",
    "pen": "stylus",
    "5g": "five",
    "ports": "ports",
    "panel": "panel",
}
_WEIGHT_WORDS = frozenset("weight weigh kg heavy heavier heaviest".split())
_BEARS = frozenset("take takes hold holds support supports carry carries bear bears load".split())
LESS_WORDS = frozenset(
    "cheaper cheapest lighter lightest smaller smallest less least lower lowest fewer quieter quietest narrower "
    "narrowest shorter shortest thinner thinnest slimmer slimmest".split()
)
MORE_WORDS = frozenset(
    [
        "pricier",
        "priciest",
        "dearer",
        "dearest",
        "heavier",
        "heaviest",
        "bigger",
        "biggest",
        "larger",
        "largest",
        "more",
        "most",
        "higher",
        "highest",
        "longer",
        "longest",
        "better",
        "best",
        "faster",
        "fastest",
        "wider",
        "widest",
        "taller",
        "tallest",
        "deeper",
        "deepest",
        "roomier",
        "roomiest",
        "stronger",
        "strongest",
        "brighter",
        "brightest",
        "louder",
        "loudest",
        "warmer",
        "warmest",
        "further",
        "furthest",
        "farther",
        "farthest",
        "thicker",
        "thickest",
    ]
)


STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "the",
        "for",
        "of",
        "to",
        "in",
        "on",
        "with",
        "some",
        "also",
        "mostly",
        "bit",
        "lot",
        "my",
        "me",
        "i",
        "it",
        "is",
        "be",
        "at",
        "by",
        "from",
        "want",
        "need",
        "been",
        "being",
        "was",
        "were",
    ]
)


def content_words(text: str) -> set[str]:
    """Words that carry meaning, for lexical matching of use cases and features."""
    return {w for w in tokens(text) if w not in STOP_WORDS}


def tokens(text: str) -> list[str]:
    """Lower-case words without accents, so "latt" finds "Lätt" and "bruhwerk" finds "Brühwerk", and letters
    no accent makes spelled the way customers type them: "thordis" finds "Þórdís", "skovso" "Skovsø"."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFC", folded)  # Hangul syllables, which NFKD split into letters, whole again
    return _WORD.findall(folded.translate(_PLAIN_LETTERS).replace("-", " ").replace("_", " "))


_PLAIN_LETTERS = str.maketrans({"þ": "th", "ð": "d", "æ": "ae", "ø": "o", "ł": "l", "ß": "ss", "đ": "d", "œ": "oe"})


# English plurals in -ves whose singular ends in -f or -fe ("knives", "shelves"); other -ves words ("stoves",
# "gloves", "olives") lose only the "s".
_VES_PLURALS = {
    "knives": "knife",
    "wives": "wife",
    "lives": "life",
    "leaves": "leaf",
    "halves": "half",
    "shelves": "shelf",
    "wolves": "wolf",
    "calves": "calf",
    "loaves": "loaf",
    "scarves": "scarf",
    "hooves": "hoof",
    "thieves": "thief",
    "selves": "self",
}


def singular(word: str) -> str:
    if word in _VES_PLURALS:
        return _VES_PLURALS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("ch", "sh", "x", "ss")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


@dataclass(frozen=True)
class ProductMention:
    product: Product
    score: float
    matched: frozenset[str]


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _text_words(text: str) -> set[str]:
    """Tokens and their singulars ("jars" also gives "jar"), plus the parts of glued model names ("air13" also
    gives "air" and "13")."""
    words = set(tokens(text))
    words |= {singular(w) for w in words}
    for word in list(words):
        parts = re.findall(r"[a-z]+|\d+(?:\.\d+)?", word)
        if len(parts) > 1:
            words.update(parts)
    for number in _MARK.findall(" ".join(tokens(text))):
        words |= {"mark", *_ROMAN_OR_ARABIC.get(number, ())}
    return words


# "mk2", "mk ii", "mark 2": a model's generation, written the way its name has it ("Mark II")
_MARK = re.compile(r"\b(?:mk|mark) ?(\d+|[ivx]+)\b")
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
_ROMAN_OR_ARABIC = {
    **{roman: (roman, str(n)) for n, roman in enumerate(_ROMAN, start=1)},
    **{str(n): (roman, str(n)) for n, roman in enumerate(_ROMAN, start=1)},
}


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions ("arai" -> "aria" is one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def matches_word(name_word: str, words: set[str]) -> bool:
    """Exact, or a typo of a longer alphabetic word: one edit (two for words of 8+ letters)."""
    if name_word in words:
        return True
    if len(name_word) < 4 or not name_word.isalpha():
        return False
    allowed = 2 if len(name_word) >= 8 else 1
    return any(
        abs(len(w) - len(name_word)) <= allowed and w[0] == name_word[0] and edit_distance(w, name_word) <= allowed
        for w in words
        # "have" is no typo of "Haven", "three" none of "tree", "stock" none of "stick"
        if w.isalpha() and w not in EVERYDAY_WORDS and w not in STOCK_WORDS and w not in PRICE_WORDS
    )


@lru_cache(maxsize=4096)
def _hyphen_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """The hyphenated words of a name or a message as pairs, lower-cased ("E-Bike": ("e", "bike"))."""
    return tuple(re.findall(r"(\w+)-(\w+)", text.lower()))


def _glued_parts(name: str, words: set[str]) -> set[str]:
    """The parts of a name's hyphenated words said as one word: "ebike" says the "e" and "bike" of an "E-Bike"."""
    return {w for a, b in _hyphen_pairs(name) if a + b in words for w in (a, b)}


def find_products(text: str, catalog: list[Product], min_score: float = 0.6) -> list[Product]:
    """Products the text names, by SKU or by (most of) their name, typos forgiven, best first.

    A product whose matched words are all contained in a better match is dropped, so
    "iPhone 15 Pro" picks the Pro and not also the plain iPhone 15, unless the customer
    named the shorter one on its own too ("AirPods or AirPods Max").
    """
    lowered = text.lower()
    words = _text_words(text)
    # "f30e" typed for an "F-30E": its parts ("f", "30") name no "F-30"
    glued = {a + b for p in catalog for a, b in _hyphen_pairs(p.name)}
    hyphened = [(a, b) for a, b in _hyphen_pairs(lowered) if a + b in glued]  # "e-bike": one word
    parts = {part for w in set(tokens(text)) & glued for part in _text_words(w) if part != w}
    words = (words - parts - {w for pair in hyphened for w in pair}) | {a + b for a, b in hyphened}
    words |= set(tokens(text)) & glued
    words -= {form for w in _negated_words(lowered) for form in (w, singular(w))}  # "not the plus": no "Plus"
    words -= asked_with_how(text)  # "how wide is the eilifd band?": no "Eilífð Band Wide"
    text_models = {w for w in words if _has_digit(w)}
    bare_numbers = {w for w in tokens(text) if w.isdigit()}
    said_in_order = f" {' '.join(tokens(text))} "
    index = _name_index(catalog)
    distinctive, generic, unique_models = index.distinctive, index.generic, index.unique_models
    mentions = []
    for product in catalog:
        if _names_sku(lowered, product):
            mentions.append(ProductMention(product, 2.0, frozenset(tokens(product.name))))
            continue
        name_words = set(tokens(product.name))
        brand_words = set(tokens(product.brand))
        # "ebike" names an "E-Bike", "f30e" an "F-30E": a hyphenated name word typed as one word says its parts
        glued_parts = _glued_parts(product.name, words)
        matched = {w for w in name_words if matches_word(w, words)} | glued_parts
        name_models = {w for w in name_words if _has_digit(w)}
        if name_models & glued_parts:
            name_models |= {w for w in words if _has_digit(w) and w in glued}  # "f30e" is the model "30e"
        models_said = _models_said(name_models, text_models, bare_numbers)
        said_only_as_a_number = models_said - matched  # "90" for the "70x90" of a pillow names no pillow
        matched |= models_said  # "komei 35 f1.8" says the "35mm" of a "Kōmei 35mm f/1.8 Lens"
        # A brand plus a bare number ("Nimbus ... 13") is not a mention, unless they are said together as the
        # name has them ("the vonk 28", not the "Vonk Pro 28"): a model word must match.
        named_in_order = f" {' '.join(tokens(product.name))} "
        brand_and_model = any(
            f" {b} {m} " in named_in_order and f" {b} {m} " in said_in_order for b in brand_words for m in models_said
        )
        named_by_word = any(not w.replace(".", "").isdigit() for w in matched - brand_words - said_only_as_a_number)
        if not name_words or not (brand_and_model or named_by_word):
            continue
        # "Lumen Air 15" is not the "Lumen Air 13", nor "Galaxy S24" the "Galaxy S10".
        if name_models and text_models and not models_said:
            continue
        # Scored on the words that tell this product apart: "Pace 2" names the "Pacer Labs Pace 2 GPS Watch",
        # "arc" the "Lykta Arc LED Desk Lamp" when three lamps are "LED" lamps
        kind = _descriptive_words(product)
        own = {w for w in name_words - brand_words if singular(w) not in kind}
        core = (own - generic) or own or name_words
        score = len(matched & core) / len(core)
        # "the Chesterton sofa": a word only this name has, typed as it is (or a long word with a typo); "the
        # automat 5": a model word with the model number
        distinct = any(w in distinctive and (w in words or len(w) >= 7) for w in matched)
        # "the combi 4x4 ladder": a model only this name has, and another word of its name, though shared
        own_model = bool(models_said & unique_models) and any(not _has_digit(w) for w in matched - kind)
        model = (bool(models_said) and any(not _has_digit(w) for w in matched & core)) or own_model
        base = _base_of_family(product, matched, words, index.families)
        # "the hayabusa h 100-400": the first words of a name, its model among them, said in its order, though
        # each of them is shared (the brand, a mount, a focal length)
        begins = _says_name_start(said_in_order.split(), tokens(product.name))
        if score < min_score and (distinct or model or brand_and_model or base or begins):
            score = min_score
        # "joaquina 6'4": a name word three names share and a model number, in this name only; "the yuri 19L": the
        # brand and a model with its unit ("19L", not a bare "19"), though other words of the name stand between
        names_word = any(not _has_digit(w) for w in matched - brand_words - kind)
        brand_and_unit = bool(matched & brand_words) and any(not w.replace(".", "").isdigit() for w in models_said)
        if score < min_score and models_said and (names_word or brand_and_unit):
            score = min_score if sum(matched <= name for name in index.names) == 1 else score
        if score >= min_score:
            mentions.append(ProductMention(product, score, frozenset(matched)))
    if not mentions:
        mentions = _named_together(words, catalog, generic, min_score)
    elif _SEPARATORS.search(_compare_with_as_vs(lowered)):
        # "which is heavier, the rakieta scooter or the normal trio": a part may name one product together
        # its words, not those that name the products found already ("the women's and men's chelsea boots")
        found = {m.product.sku for m in mentions}
        taken = {w for m in mentions for w in m.matched}
        for part in _SEPARATORS.split(_compare_with_as_vs(lowered)):
            part_words = _text_words(part)
            together = _named_together(part_words, catalog, generic, min_score)
            together = [m for m in together if not m.matched <= taken]
            together = together or _plain_version(part_words, mentions, catalog, index.names, min_score)
            mentions += [m for m in together if m.product.sku not in found]
            found |= {m.product.sku for m in together}
    mentions.sort(key=lambda m: (-m.score, -len(m.matched), len(tokens(m.product.name)), m.product.name))
    chosen: list[ProductMention] = []
    for mention in mentions:
        # "the aurora 88" is the Aurora 88, not also the Aurora 88 Pro, whose "pro" nobody said
        covered = any(
            mention.matched < c.matched
            or (mention.matched <= c.matched and mention.score < c.score)
            or (mention.matched == c.matched and len(tokens(mention.product.name)) > len(tokens(c.product.name)))
            for c in chosen
        )
        if covered and not _named_apart(lowered, mention, chosen):
            continue
        chosen.append(mention)
    # A better-scored mention whose words are all inside another's ("pendler 8" inside "pendler 8 ebike")
    # gives way to it too, unless it is named on its own.
    chosen = [
        m
        for m in chosen
        if not any(m.matched < c.matched for c in chosen) or _named_apart(lowered, m, [c for c in chosen if c is not m])
    ]
    # Keep the order in which the customer named them (matters for "X or Y").
    shared = {w for w, n in Counter(w for m in chosen for w in set(tokens(m.product.name))).items() if n > 1}
    chosen.sort(key=lambda m: _first_position(lowered, m.product, shared))
    return [m.product for m in chosen]


def _says_name_start(said: list[str], name: list[str]) -> bool:
    """The text says the name's first three words or more, one of them a model number, in the name's order
    ("100-400" for "100-400mm")."""

    def same(name_word: str, word: str) -> bool:
        return name_word == word or (_has_digit(name_word) and _NUMBERS.findall(name_word) == [word])

    for start in range(len(said)):
        length = 0
        while length < len(name) and start + length < len(said) and same(name[length], said[start + length]):
            length += 1
        if length >= 3 and any(_has_digit(w) for w in name[:length]):
            return True
    return False


def _plain_version(
    words: set[str],
    mentions: list[ProductMention],
    catalog: list[Product],
    names: list[frozenset[str]],
    min_score: float,
) -> list[ProductMention]:
    """ "kekes vs kekes plus", "the tainha pro and the tainha pro mirror": a part that says a variant's name
    without its extra words ("plus") names the plain product whose name the variant's holds. `names`: the
    catalogue's names as words (`_NameIndex.names`)."""
    plain = []
    for mention in mentions:
        variant = set(tokens(mention.product.name))
        for product, own in zip(catalog, names, strict=True):
            if product.category != mention.product.category or not own < variant:
                continue
            said = {w for w in own if matches_word(w, words)}
            naming = said - set(tokens(product.brand)) - _descriptive_words(product)
            extra = variant - own
            if any(not _has_digit(w) for w in naming) and not any(matches_word(w, words) for w in extra):
                plain.append(ProductMention(product, min_score, frozenset(said)))
    return plain


def _models_said(name_models: set[str], text_models: set[str], bare_numbers: set[str]) -> set[str]:
    """The model words of a name the text says: as they are, or a size one of whose numbers was said on its own
    ("kovacs 140" for a "Metal Bed 140x200"; "140x190" is no "140x200")."""
    return {m for m in name_models if m in text_models or (not m.isdigit() and set(_NUMBERS.findall(m)) & bare_numbers)}


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
_NEGATED = re.compile(r"\b(?:not|no|without) (?:the |a |an )?([^\W_]+)")


def without_negated(text: str) -> str:
    """The text, lower-cased, less what it says after "not", "no" or "without" ("the normal one, not toric")."""
    return _NEGATED.sub(" ", text.lower())


def _negated_words(lowered: str) -> set[str]:
    """Words said only after "not", "no" or "without" ("not the plus"), which name no product. A word asked
    with "how" is no name either: "how wide is it? the regular, not the wide version"."""
    words = tokens(lowered)
    said = Counter(w for before, w in pairwise(["", *words]) if before != "how")
    return {m.group(1) for m in _NEGATED.finditer(lowered) if said[m.group(1)] == 1}


_PLAIN = frozenset("normal regular standard plain basic ordinary".split())


def _base_of_family(
    product: Product, matched: set[str], words: set[str], families: dict[tuple[str, str], list[set[str]]]
) -> bool:
    """ "the safar stroller", "the normal trio": its kind or "normal" said with a name word that its kind shares
    only with variants of it ("Safar Plus"), whose names hold all of its words; the plain one is meant, not none."""
    kind = {singular(w) for w in tokens(product.category)}
    if not kind & {singular(w) for w in words} and not _PLAIN & words:
        return False
    own = set(tokens(product.name))
    for word in matched - set(tokens(product.brand)) - kind:
        family = families.get((product.category, word), [])
        if len(family) > 1 and all(own <= other for other in family):
            return True
    return False


def names_product(text: str, product: Product, common: set[str]) -> bool:
    """The text names this product beyond doubt: its SKU, or two words of its name or brand that do not describe
    it (category, specs) of which one is not `common` (in many products' texts): "pfotli ortho xl", not "i make
    pour over" for a "Pour-Over Kettle" nor "a hair dryer for curly hair" for the "Curl Diffuser Dryer"."""
    if _names_sku(text.lower(), product):
        return True
    words = _text_words(text)
    descriptive = _descriptive_words(product)
    own = {w for w in tokens(f"{product.name} {product.brand}") if singular(w) not in descriptive}
    matched = {w for w in own if matches_word(w, words)}
    if len(matched) >= 2 and bool(matched - common):
        return True
    # "the voyager travel cover": one long word of its own, typed as it is after "the", beside the words of the
    # name that say what it is (its type "travel cover"); "a tank for a betta" names no "Betta Bow Front Tank"
    said_kind = {w for w in tokens(product.name) if singular(w) in descriptive and w in words}
    own_word = matched - common - set(tokens(product.brand))
    said = tokens(text)
    pointed_at = {w for before, w in pairwise(said) if before in ("the", "this", "that")}
    return len(matched) == 1 and bool(said_kind) and any(len(w) >= 5 and w in pointed_at for w in own_word)


def _names_sku(lowered: str, product: Product) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(product.sku.lower())}(?![\w-])", lowered))


GENERIC_IN_NAMES = 3  # a name word in this many names ("LED", "Fountain") tells none of them apart


@dataclass(frozen=True)
class _NameIndex:
    """What a catalogue's product names say about each other."""

    distinctive: set[str]  # in one name only, not a brand, category, spec name or number
    generic: set[str]  # in GENERIC_IN_NAMES names or more, not numbers
    unique_models: set[str]  # model words (with a digit) only one name has
    families: dict[tuple[str, str], list[set[str]]]  # per category and name word, the names (as words) that have it
    names: list[frozenset[str]]  # every name, as its words (in catalogue order)


_name_index_cache: tuple[list[Product], _NameIndex] | None = None  # the last catalogue asked about


def _name_index(catalog: list[Product]) -> _NameIndex:
    """The catalogue's `_NameIndex`, computed once per catalogue snapshot: the engine hands the same list on every
    message until a sync."""
    global _name_index_cache
    if _name_index_cache is None or _name_index_cache[0] is not catalog:
        counts = Counter(w for product in catalog for w in set(tokens(product.name)))
        common = {w for p in catalog for w in tokens(f"{p.brand} {p.category} {' '.join(p.specs)}")}
        common |= {singular(w) for w in common}
        families: dict[tuple[str, str], list[set[str]]] = {}
        for p in catalog:
            for word in set(tokens(p.name)):
                families.setdefault((p.category, word), []).append(set(tokens(p.name)))
        index = _NameIndex(
            distinctive={
                w for w, n in counts.items() if n == 1 and len(w) >= 4 and w.isalpha() and singular(w) not in common
            },
            generic={w for w, n in counts.items() if n >= GENERIC_IN_NAMES and not _has_digit(w)},
            unique_models={w for w, n in counts.items() if n == 1 and _has_digit(w)},
            families=families,
            names=[frozenset(tokens(p.name)) for p in catalog],
        )
        _name_index_cache = (catalog, index)
    return _name_index_cache[1]


def _named_together(
    words: set[str], catalog: list[Product], generic: set[str], min_score: float
) -> list[ProductMention]:
    """The product that the name words said name together when no name was said on its own: "the rakieta
    scooter" is the Rakieta Folding Scooter, not the Rakieta Space Station; "the nova desk lamp" the Nova lamp,
    not the Nova pen. Two words or more, one of them neither the brand, generic nor a word of the product's
    kind, in one name only."""
    matched_by = {}
    text_models = {w for w in words if _has_digit(w)}
    glued_models = [w for w in text_models if not w.isdigit()]
    bare_numbers = {w for w in text_models if w.isdigit() and not any(w in _NUMBERS.findall(g) for g in glued_models)}
    for product in catalog:
        name_words = set(tokens(product.name))
        name_models = {w for w in name_words if _has_digit(w)}
        if name_models and text_models and not _models_said(name_models, text_models, bare_numbers):
            continue  # "Lumen Air 15" is not the "Lumen Air 13"
        matched = frozenset(w for w in name_words if matches_word(w, words))
        kind = _descriptive_words(product)
        own = {w for w in matched - set(tokens(product.brand)) - generic if singular(w) not in kind}
        if len(matched) >= 2 and any(not _has_digit(w) for w in own):
            matched_by[product.sku] = (product, matched)
    if not matched_by:
        return []
    most = max(len(m) for _, m in matched_by.values())
    best = [(p, m) for p, m in matched_by.values() if len(m) == most]
    return [ProductMention(p, min_score, m) for p, m in best] if len({m for _, m in best}) == 1 else []


def without_names(text: str, products: list[Product], keep: frozenset[str] | set[str] = frozenset()) -> str:
    """The text less the words that name these products, so "the Restwell Recliner" is not read as a
    question about the spec "recliner"; words in `keep` stay."""
    named = {w for p in products for w in tokens(f"{p.name} {p.brand}")} - keep
    named |= {a + b for p in products for a, b in _hyphen_pairs(p.name)}  # "wifi" for a "Wi-Fi Baby Cam"
    named -= asked_with_how(text)  # "how wide is the band wide?": the width is asked
    return " ".join(w for w in text.split() if not set(tokens(w)) or not set(tokens(w)) <= named)


def asked_with_how(text: str) -> set[str]:
    """The words "how" asks with ("how wide", "how heavy"), said nowhere else: what is asked, not a word of a
    name ("how wide is the band wide?" names the wide one)."""
    said = tokens(text)
    return {word for before, word in pairwise(said) if before == "how" and said.count(word) == 1}


def _named_apart(lowered: str, mention: ProductMention, chosen: list[ProductMention]) -> bool:
    """Is a product whose words are inside a longer match named on its own too: its full name left once the
    longer names are taken out ("AirPods or AirPods Max"), or a part of the message between "vs", "or", "and"
    or commas that names it without the longer name's other words ("pace 2 vs pace 2 pro")?"""
    rest = lowered
    for other in sorted(chosen, key=lambda c: -len(c.product.name)):
        rest = rest.replace(other.product.name.lower(), " ")
    extras = [c.matched - mention.matched for c in chosen if mention.matched <= c.matched]
    for said in re.finditer(rf"{re.escape(mention.product.name.lower())}(?P<next> ?[^\W_]*)", rest):
        # "the r7 mk2" says no plain "R7": the next word is the longer name's own ("Mark II")
        if not any(_text_words(said.group("next")) & extra for extra in extras):
            return True
    # "compare the arc and the arc mini lamps": the part needs the words that name it, not its kind's ("lamp")
    naming = {w for w in mention.matched if singular(w) not in _descriptive_words(mention.product)} or mention.matched
    for part in _SEPARATORS.split(_compare_with_as_vs(lowered)):
        words = _text_words(part) | {a + b for a, b in _hyphen_pairs(part)}  # "e-bike": "ebike"
        words |= {w for c in chosen for w in _glued_parts(c.product.name, words)}
        others = [c.matched - mention.matched for c in chosen if mention.matched <= c.matched]
        named = all(matches_word(w, words) for w in naming)
        if named and all(extra and not any(matches_word(w, words) for w in extra) for extra in others):
            return True
    return False


# "a vs b", "a or b", "a, b", "a / b", "a x b" (not "160 x 200")
_SEPARATORS = re.compile(r"\s*(?:\bvs\b\.?|\bversus\b|\bor\b|\band\b|\bcompared (?:to|with)\b|,|/|\sx\s(?=[^\W\d]))\s*")
_COMPARE_X_WITH = re.compile(r"\b(compare\b[^,;?]*?)\s(?:with|to|against)\s")


def _compare_with_as_vs(lowered: str) -> str:
    """ "compare the yuri carboy with the bucket fermenter": the "with" of "compare" parts two names, like "vs"
    (a "with" elsewhere says what a product has: "a tent with a porch")."""
    return _COMPARE_X_WITH.sub(r"\1 vs ", lowered)


def _descriptive_words(product: Product) -> set[str]:
    """Words of a name that describe rather than name it: its category's, its specs' and their values' ("GPS
    Watch", "Memory Foam Dog Bed")."""
    values = " ".join(v for v in product.specs.values() if isinstance(v, str))
    return {singular(w) for w in tokens(f"{product.category} {' '.join(product.specs)} {values}")}


def _first_position(lowered: str, product: Product, shared: set[str]) -> int:
    """Where the text names the product: its whole name, else the first of the words that tell it apart
    from the other products named (not the brand or `shared` words: "the kvist micro and the flux stove")."""
    lowered, name = " ".join(tokens(lowered)), " ".join(tokens(product.name))  # "kékes" is "kekes"
    if name in lowered:
        return lowered.find(name)
    words = tokens(product.name)
    kind = _descriptive_words(product)
    own = [w for w in words if w not in tokens(product.brand) and w not in shared and singular(w) not in kind]
    sizes = [n for w in own if _has_digit(w) and not w.isdigit() for n in _NUMBERS.findall(w)]  # "90" of "90x200"
    # "komei 35 f1.8 or the f1.4": what tells them apart may be a spec value in the name (an aperture)
    for candidates in (own, [w for w in words if w not in shared], words):
        positions = [m.start() for w in candidates if (m := re.search(_starts_word(w), lowered))]
        positions += [m.start() for n in sizes if (m := re.search(rf"\b{re.escape(n)}\b", lowered))]
        if positions:
            return min(positions)
    return len(lowered)


def _starts_word(word: str) -> str:
    """A pattern for where a word starts; a number may follow letters ("f1.8" says the "1.8" of "f/1.8")."""
    return rf"(?<![\d.]){re.escape(word)}" if word[0].isdigit() else rf"\b{re.escape(word)}"


# Words customers use for a kind of product, grouped by meaning (general English, no shop's data).
# A shop's category matches when any phrase of its group is in the message, so a shop whose category
# is "sofas" understands "couch", and one whose category is "smartphones" understands "phone".
CATEGORY_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split(", "))
    for group in (
        "phone, smartphone, mobile, mobile phone, cellphone, cell phone",
        "laptop, notebook",
        "tv, television, telly",
        "headphone, headset, earphone, earbud, in ear",
        "sofa, couch, settee",
        "armchair, lounge chair",
        "trainer, sneaker, running shoe, runner",
        "trail shoe, trail runner",
        "jacket, coat, shell",
        "fridge, refrigerator",
        "coffee machine, espresso machine, coffee maker",
        "grinder, coffee grinder, burr grinder",
        "blender, smoothie maker",
        "bike, bicycle, cycle",
        "e bike, ebike, electric bike, pedelec",
        "watch, smartwatch, smart watch",
        "stove, camping stove, cooker, burner",
        "sleeping bag, sleeping bags",
        "moisturiser, moisturizer, face cream",
        "sunscreen, sunblock, sun cream",
        "perfume, fragrance, scent",
        "wardrobe, closet",
        "rug, carpet",
        "speaker, loudspeaker",
        "monitor, computer screen",
        "dining table, kitchen table",
        "office chair, desk chair",
        "bed, bed frame",
        "backpack, rucksack, daypack, pack",
        "aquarium, fish tank",
        "dog food, kibble",
        "cat tree, cat tower, cat condo",
        "helmet, lid, bike helmet, cycle helmet",
        "bike light, bike lamp, cycle light",
        "olive oil, evoo, extra virgin olive oil",
        "ukulele, uke",
        "digital piano, keyboard, electric piano, stage piano, e piano",
        "guitar amp, amp, amplifier, guitar amplifier",
        "lawn mower, mower, lawnmower",
        "hedge trimmer, hedge cutter, hedgecutter",
        "garden hose, hose, hosepipe",
        "planter, plant pot, flower pot",
        "food storage, storage container, food container, container, tupperware",
        "knitwear, jumper, sweater, pullover",
        "frying pan, skillet, fry pan, frypan",
        "stand mixer, mixer, food mixer",
        "chef's knife, chef knife, chefs knife, cook's knife, kitchen knife",
        "sparkling wine, sparkling, bubbly, fizz, champagne, méthode cap classique, cap classique, mcc, cava, "
        "prosecco, crémant, cremant",
        "fiction, novel, whodunnit, thriller, crime novel",
        "cookbook, recipe book, cook book",
        "travel guide, guidebook, guide book, travel book",
        "children's book, kids book, kids' book, picture book, board book",
        "sunglasses, shades, sunnies",
        "eyeglass frame, glasses frame, spectacle frame, spectacles",
        "carry on, carry ons, cabin bag, cabin case, cabin suitcase, hand luggage, carry on bag",
        "earring, stud, ear stud",
    )
)


def _phrase(text: str) -> str:
    """Singular tokens joined by single spaces, padded, so phrases can be searched at word boundaries."""
    return " " + " ".join(singular(w) for w in tokens(text)) + " "


def synonyms_said(text: str, category: str | None = None) -> list[str]:
    """The other words for what the text names ("e-bike": "electric bike", "pedelec", …), so a feature they
    carry ("electric") is heard too; not when it is the category's own name that is said ("olive oil" says
    nothing of "extra virgin", though "evoo" does)."""
    said = _phrase(text)
    own = _phrase(category).strip() if category else ""
    own_forms = {own, own.rsplit(" ", 1)[-1]} if own else set()
    return [
        g
        for group in CATEGORY_SYNONYMS
        if any(f" {_phrase(g).strip()} " in said and _phrase(g).strip() not in own_forms for g in group)
        for g in group
    ]


def only_words_of(category: str, said: str) -> bool:
    """Whether every word of `said` that means something is a word of the category's name ("kegging" of
    "kegging equipment")."""
    own = {singular(w) for w in tokens(category)}
    words = {singular(w) for w in tokens(said) if w not in STOP_WORDS}
    return bool(words) and words <= own


def category_phrases(category: str) -> set[str]:
    """The phrases that name a category: its own words (singular) and every synonym of them or its head noun."""
    own = _phrase(category).strip()
    words = own.split()
    head, modifiers = (words[-1], " ".join(words[:-1])) if words else ("", "")
    phrases = {own}
    for group in CATEGORY_SYNONYMS:
        forms = {_phrase(g).strip() for g in group}
        if own in forms:
            phrases |= forms
        elif head in forms:  # "city bikes": "city bicycle", and "bicycle" alone (ambiguous with "road bikes")
            phrases |= forms | {f"{modifiers} {form}" for form in forms}
    return {p for p in phrases if p}


def _says_whole(said: str, own: str) -> bool:
    """Whether the padded phrase `said` holds the category name `own` whole, or each of its words (typos of longer
    words forgiven)."""
    return f" {own} " in said or all(matches_word(w, set(said.split())) for w in own.split())


def names_category_outright(text: str, category: str) -> bool:
    """Whether the text says the category's whole name or a synonym of it ("sofa", "couch" for sofas), not
    just its head noun ("book" for children's books) or a word of its products' names."""
    said = _phrase(text)
    own = _phrase(category).strip()
    if _says_whole(said, own):
        return True
    whole = [group for group in CATEGORY_SYNONYMS if own in {_phrase(g).strip() for g in group}]
    return any(f" {_phrase(g).strip()} " in said for group in whole for g in group)


def name_nouns(products: list[Product]) -> dict[str, str]:
    """Words a shop's product names end in that belong to one category ("Glazed Pot", "Terracotta Pot": "pot"
    is a planter; "Practice Amp": "amp" a guitar amp): the last word of at least two names of that category and
    of no other category's name. Customers call products by them."""
    endings: dict[str, set[str]] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for product in products:
        words = tokens(product.name)
        last = singular(words[-1]) if words else ""
        if len(last) >= 3 and last.isalpha() and last not in EVERYDAY_WORDS:
            endings.setdefault(last, set()).add(product.category)
            counts[last, product.category] += 1
    nouns = {w: next(iter(c)) for w, c in endings.items() if len(c) == 1 and counts[w, next(iter(c))] >= 2}
    return nouns | {w: c for w, c in _type_words(products).items() if w not in endings}


_COLOURS = frozenset("black white green brown red blue grey gray pink yellow orange purple silver gold".split())


def _type_words(products: list[Product]) -> dict[str, str]:
    """Words of the values of a "type" or "kind" spec that only one category's products have: "any mirrorless?"
    asks for cameras of the type "mirrorless"."""
    kinds: dict[str, set[str]] = {}
    for product in products:
        for key, value in product.specs.items():
            if isinstance(value, str) and {"type", "kind"} & set(tokens(key)):
                for word in tokens(value):
                    if len(word) >= 5 and word.isalpha() and word not in EVERYDAY_WORDS | _COLOURS:
                        kinds.setdefault(singular(word), set()).add(product.category)
    for product in products:  # "spinning" is no reel when a "Spinning Rod" is a rod
        for word in tokens(f"{product.name} {product.category}"):
            kinds.get(singular(word), set()).add(product.category)
    return {w: next(iter(c)) for w, c in kinds.items() if len(c) == 1}


def find_category(
    text: str, categories: list[str], nouns: dict[str, str] | None = None, *, by_name_only: bool = False
) -> str | None:
    """The shop category the text names, if exactly one: its name (singular or plural), a synonym
    ("couch" for sofas), its head noun alone ("shoes" for running shoes) or a noun its products' names end in
    (`name_nouns`: "pot" for planters), or a compound of it ("phone" inside "smartphones"), typos of longer
    words forgiven. The most specific kind of match wins. `by_name_only`: not by a compound or a word cut
    short ("back" is no "backpacks")."""
    said = _phrase(text)
    said_words = set(said.split())
    # "something i can carry to paint at the beach": a word said only after "to" is a verb, no head noun
    order = said.split()
    nouns_said = {w for before, w in zip(["", *order], order, strict=False) if before != "to"}
    found: list[tuple[int, int, str]] = []  # (strength, length of what matched, category); lower strength wins
    loosely: set[str] = set()  # the categories found only by a compound or a word cut short
    mentions: dict[str, set[str]] = {}  # per category found, the words that named it
    modifiers: dict[str, set[str]] = {}  # the first words of multi-word categories, and whose they are
    for category in categories:
        for modifier in _phrase(category).split()[:-1]:  # not the "s" of "chef's knives"
            if len(modifier) < 2:
                continue
            modifiers.setdefault(modifier, set()).add(category)
    for category in categories:
        own = _phrase(category).strip()
        if not own:
            continue
        words = own.split()
        lone = [w for w in words[:-1] if len(w) > 1]  # its modifiers
        synonyms = [p for p in category_phrases(category) if f" {p} " in said]
        named_by = [w for w, c in (nouns or {}).items() if c == category and matches_word(w, said_words)]
        if _says_whole(said, own):
            found.append((0, len(own), category))
        elif synonyms:
            found.append((1, max(map(len, synonyms)), category))
        elif matches_word(words[-1], nouns_said) and len(words) > 1:
            found.append((2, len(words[-1]), category))
        elif named_by:
            found.append((2, max(map(len, named_by)), category))
        elif any(len(w) >= 4 and (words[-1].endswith(w) or w.endswith(words[-1])) for w in nouns_said):
            found.append((3, 0, category))
            loosely.add(category)
        elif any(len(w) >= 4 and w not in EVERYDAY_WORDS and words[-1].startswith(w) for w in nouns_said):
            found.append((4, 0, category))  # "choc" for chocolate: a head noun cut short
            loosely.add(category)
        elif any(
            m not in EVERYDAY_WORDS and modifiers[m] == {category} and _lone_modifier(said, m, text) for m in lone
        ):
            # "he loves building things": building sets, the one "building" kind; not "baby photoshoots"
            found.append((4, 0, category))
        mentions[category] = {w for phrase in [own, *synonyms, *named_by] for w in phrase.split()}
    if by_name_only:
        found = [match for match in found if match[2] not in loosely]
    if not found:
        return None
    # "what amp would you use with an acoustic guitar?", "a lock for my bike": of the categories named by name,
    # synonym or noun (a lone modifier or a cut-short word is too weak: "a running jacket"), the one asked for,
    # not the one the customer already has or wants it for
    strong = [c for strength, _, c in found if strength <= 2]
    asked = [c for c in strong if not _named_as_context(said.split(), mentions[c])]
    if len(asked) == 1 < len(strong):
        return asked[0]
    # "i just bought the bright c serum, what sunscreen goes with it?": the kind a question asks for
    questioned = [c for c in asked if (_words_before(said.split(), mentions[c]) or [""])[-1] in _ASKING_BEFORE]
    if len(questioned) == 1 < len(asked):
        return questioned[0]
    named_whole = [c for strength, _, c in found if strength == 0]
    heads = {_phrase(c).split()[-1] for c in named_whole}
    if len(named_whole) > 1 and len(heads) == 1:  # "trail running shoe": trail shoes or running shoes?
        ranked = sorted(named_whole, key=lambda c: _compound_rank(c, said.split()))
        if _compound_rank(ranked[0], said.split()) != _compound_rank(ranked[1], said.split()):
            return ranked[0]
    if len(strong) > 1:
        # "notebook that fountain pen ink won't bleed through": the kind named first is the one asked for;
        # "acoustic guitar amp": names that share a word are one compound, whose last noun is the kind. Names
        # side by side ("sofa bed", "laptop bag") are left to the strength of each match.
        spans = sorted((_span(said.split(), mentions[c]), c) for c in strong)
        (first, first_kind), (second, second_kind) = spans[0], spans[1]
        if second[0] <= first[1] and second[1] > first[1]:
            return second_kind
        if second[0] > first[1] + 1:
            return first_kind
    best = min((strength, -length) for strength, length, _ in found)
    winners = [c for strength, length, c in found if (strength, -length) == best]
    return winners[0] if len(winners) == 1 else None


GENERIC_NOUNS = frozenset("thing things stuff product products item items gear range brand brands".split())


def _lone_modifier(said: str, modifier: str, text: str = "") -> bool:
    """A category's first word said on its own, before a word that names nothing ("building things") or a comma
    ("after a red, nothing over 250"), not as the first word of another thing's name ("baby photoshoots")."""
    if re.search(rf"\b{re.escape(modifier)}s?\s*[,;!?]", text, re.I):
        return True
    words = said.split()
    return any(
        w == modifier and (i + 1 == len(words) or words[i + 1] in EVERYDAY_WORDS | GENERIC_NOUNS | _INSTEAD_WORDS)
        for i, w in enumerate(words)
    )


_INSTEAD_WORDS = frozenset("rather instead".split())  # "show me reds rather": the reds are what is asked


_ARTICLES = frozenset("a an the some this that these those".split())
_CONTEXT_BEFORE = frozenset("my our his her their your with fits fit matching match bought own".split())
_ASKING_BEFORE = frozenset("what which any need want recommend suggest".split())
_REQUEST_BEFORE_FOR = frozenset("looking look searching search shopping".split())
_HAS = frozenset("has have got owns own bought".split())


def _named_as_context(said: list[str], words: set[str]) -> bool:
    """Whether a category's first mention (the first of `words` in `said`) is what the product is for or goes
    with ("for my bike", "with an acoustic guitar"), not what is asked for ("looking for a lock")."""
    before = ["", "", *_words_before(said, words)]
    if before[-1] == "for":
        return before[-2] not in _REQUEST_BEFORE_FOR
    if before[-2:] == ["of", "your"]:  # "which of your sewing machines …": the shop's range, asked about
        return False
    if before[-2] == "already" and before[-1] in _HAS:  # "she already has a necklace, earrings would be better"
        return True
    return before[-1] in _CONTEXT_BEFORE


def _words_before(said: list[str], words: set[str]) -> list[str]:
    """The words before a category's first mention (the first of `words` in `said`), articles left out."""
    at = next((i for i, w in enumerate(said) if any(matches_word(c, {w}) for c in words)), None)
    return [w for w in said[:at] if w not in _ARTICLES] if at is not None else []


def _span(said: list[str], words: set[str]) -> tuple[int, int]:
    """Where a category is named: the first said word that is one of `words`, and the last of the run of such
    words that follows it."""
    hits = [any(matches_word(c, {w}) for c in words) for w in said]
    start = hits.index(True) if True in hits else len(said)
    end = start
    while end + 1 < len(said) and hits[end + 1]:
        end += 1
    return start, end


def _compound_rank(category: str, said: list[str]) -> tuple[int, int]:
    """For categories with the same head noun, the most specific modifier comes first in English: a "trail
    running shoe" is a trail shoe. Lower ranks first: the head said furthest right, then the modifier said
    furthest left (a category without one last)."""

    def position(word: str) -> int:
        return next((i for i, w in enumerate(said) if matches_word(word, {w})), len(said))

    words = _phrase(category).split()
    modifiers = [position(w) for w in words[:-1]]
    return -position(words[-1]), min(modifiers, default=len(said) + 1)


# Money words: the currency each word or symbol means. For the customer's words (budgets, price
# questions) and for the fact gate (a reply may not switch currency).
CURRENCY_WORDS = {
    **dict.fromkeys(["€", "euro", "euros", "eur"], "EUR"),
    **dict.fromkeys(["$", "dollar", "dollars", "bucks", "usd"], "USD"),
    **dict.fromkeys(["£", "pound", "pounds", "gbp", "quid"], "GBP"),
    **dict.fromkeys(["¥", "jpy"], "JPY"),
    **{code.lower(): code for code in ("CHF", "SEK", "NOK", "DKK", "PLN", "CZK")},
    **dict.fromkeys(["kronor", "kronors"], "SEK"),
    **dict.fromkeys(["kroner", "krone", "kr"], "NOK"),  # Norwegian or Danish: only what the customer said
    **dict.fromkeys(["franc", "francs"], "CHF"),
    **dict.fromkeys(["zł", "zloty", "zlotys", "złoty"], "PLN"),
    **dict.fromkeys(["kč", "koruna", "korun"], "CZK"),
    **dict.fromkeys(["₹", "rupee", "rupees", "rs", "inr"], "INR"),
    **dict.fromkeys(["rand", "zar"], "ZAR"),
    **dict.fromkeys(["yen", "円"], "JPY"),
    **dict.fromkeys(["forint", "forints"], "HUF"),  # not "Ft": a board of 8 ft is no price
    **dict.fromkeys(["r$", "reais"], "BRL"),  # not "real": "real leather"
    **dict.fromkeys(["peso", "pesos", "pesitos"], "MXN"),  # the peso of Mexico, or of Chile, Colombia, …: what was said
    **dict.fromkeys(["us$"], "USD"),
    **dict.fromkeys(["lira", "liras", "₺"], "TRY"),
    **dict.fromkeys(["lei", "leu"], "RON"),
    **dict.fromkeys(["baht", "฿"], "THB"),
    **dict.fromkeys(["yuan", "rmb"], "CNY"),
    **dict.fromkeys(["₩", "원"], "KRW"),  # not "won": "it won't fit" (a won after an amount is money: parse_budget)
    **dict.fromkeys(["ringgit"], "MYR"),
    **dict.fromkeys(["rupiah"], "IDR"),
    **dict.fromkeys(["dirham", "dirhams"], "AED"),
    **dict.fromkeys(["riyal", "riyals"], "SAR"),
    **dict.fromkeys(["shekel", "shekels", "₪"], "ILS"),
    **dict.fromkeys(["₱"], "PHP"),
    **{
        code.lower(): code
        for code in (
            *("AUD", "CAD", "NZD", "SGD", "HKD", "HUF", "RON", "TRY", "BRL", "MXN", "KRW", "CNY", "THB", "MYR"),
            *("IDR", "AED", "SAR", "ILS", "ARS", "CLP", "COP", "PEN", "BGN", "ISK", "PHP"),
        )
    },
}
_CURRENCY_SYMBOLS = re.escape("".join(w for w in CURRENCY_WORDS if len(w) == 1 and not w.isalpha()))
_CURRENCY_MARKS = "|".join(re.escape(w) for w in CURRENCY_WORDS if len(w) > 1 and not w.isalpha())  # "r$"
_CURRENCY_NAMES = "|".join(sorted((w for w in CURRENCY_WORDS if w.isalpha()), key=len, reverse=True))
# "€", "R$", "EUR", "euros", "bucks"
CURRENCY = re.compile(rf"(?:{_CURRENCY_MARKS})|[{_CURRENCY_SYMBOLS}]|\b(?:{_CURRENCY_NAMES})\b", re.I)
# "2 mil reais", "15 ezer", "300 þús", "60 lucas" (Argentine slang for a thousand pesos), "35 thao" (Kenyan)
_THOUSAND = r"k|grand|mil|mille|tausend|ezer|þúsund|þús|lucas|luca|thao|thousand"
_MILLION = r"million|millions|millones|millón|millon|mio|mln"  # "1.5 million won", "2 millones"
# "5千円", "5천원": a thousand in Japanese, Chinese and Korean, which write the currency straight after it
_THOUSAND_CJK = r"千|천"
# "5万", "10만원", "10 man yen": ten thousand, the way Japanese, Chinese and Korean count money ("man" only as money:
# no "4 man tent")
_TEN_THOUSAND = r"万|만|man"
_CJK_CURRENCY = "円원"  # written straight after the amount: "1万円", "10만원"
_MONEY = re.compile(
    rf"(?P<cur>[{_CURRENCY_SYMBOLS}])?\s*(?P<num>\d{{1,3}}(?:[,.\s]\d{{3}})+|\d+(?:[.,]\d+)?)\s*"
    rf"(?:(?P<k>(?:{_THOUSAND})\b|{_THOUSAND_CJK})|(?P<million>(?:{_MILLION})\b)"
    rf"|(?P<man>(?:{_TEN_THOUSAND})(?![^\W\d_{_CJK_CURRENCY}])))?"
)
# "10 won", "10만 won": the Korean currency's English name, money only straight after an amount ("it won't fit")
_WON_AFTER_AMOUNT = re.compile(r"\s*won\b")
# "400 max", "600 varos tops": a word between (the currency, in the customer's slang) changes nothing
_BUDGET_CUE_AFTER = re.compile(r"\s*(?:[^\W\d_]{1,12}\s+)?(?:max|maximum|tops|or less|at most|at the most)\b")
_BUDGET_CUE = re.compile(
    r"(under|below|less than|max(?:imum)?|up to|at most|no more than|(?:nothing|not|no) (?:over|above)|around|"
    r"about|budget|within|"
    # whole words: no "unter" in "counter"
    r"\b(?:até|no máximo|menos de|no m[aá]s de|m[aá]ximo|hasta|fino a|meno di|moins de|jusqu'à|unter|bis|höchstens)\b|"
    r"spend|cheaper than|<|~)"
)
_SAID_AS_MONEY = re.compile(r"\s*(?:yen|円|won\b|원)|\s*$|\s*[^\w\s]")  # "10 man yen", "under 15man?": money

_NUMBER_WORDS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORDED_AMOUNT = re.compile(
    rf"\b({'|'.join(_NUMBER_WORDS)})(?P<half>\s+and\s+a\s+half)?\s+(hundred|thousand|grand|þúsund|þús|million)\b"
    r"(?P<half_after>\s+and\s+a\s+half\b)?"
)  # "two thousand", "one and a half grand", "a hundred and a half", "eighty þúsund"
_HALF_A_MILLION = re.compile(r"\bhalf a million\b")
# "under a ton": a hundred, in British money slang (only after a cue: "a ton of storage" is no amount)
_A_TON = re.compile(r"\b(under|below|max|up to|around|about|than|over|above)\s+a\s+ton\b")
_TENS = "|".join(w for w, n in _NUMBER_WORDS.items() if n >= 10)
_UNITS = "|".join(w for w, n in _NUMBER_WORDS.items() if n < 10 and w != "a")
# "a hundred and fifty", once "a hundred" is "100": the tens (and units) said after a round amount, and the
# hundreds after thousands ("2000 500" from "two thousand five hundred")
_ROUND_AND_MORE = re.compile(
    rf"\b(?P<round>\d+00)\s+"
    rf"(?:(?:and\s+)?(?P<tens>{_TENS})(?:[\s-]+(?P<unit>{_UNITS}))?|(?<=000 )(?P<hundreds>[1-9]00))\b"
)
# "under one-fifty", "max two twenty": hundreds said the short way, after a cue
_HUNDREDS_SPOKEN = re.compile(
    rf"\b(?P<cue>under|below|than|max|up to|around|about|over|above)\s+(?P<hundreds>{_UNITS})[\s-]+(?P<tens>{_TENS})"
    rf"(?:[\s-]+(?P<unit>{_UNITS}))?\b"
)
_WORDED_TENS = re.compile(  # "fifty francs", "under forty": an amount of money, said in words
    rf"\b(?:(?P<cue>under|below|than|max|up to|around|about|over|above)\s+)?(?P<tens>{_TENS})\b"
    rf"(?P<cur>\s+(?:{_CURRENCY_NAMES})\b)?"
)


def _digits_for_words(lowered: str) -> str:
    """ "a hundred bucks" -> "100 bucks", "two thousand" -> "2000", "under fifty" -> "under 50"."""
    scale = {"hundred": 100, "thousand": 1000, "grand": 1000, "þúsund": 1000, "þús": 1000, "million": 1_000_000}

    def amount(match: re.Match[str]) -> str:
        half = 0.5 if match.group("half") or match.group("half_after") else 0
        return str(int((_NUMBER_WORDS[match.group(1)] + half) * scale[match.group(3)]))

    lowered = _WORDED_AMOUNT.sub(amount, _A_TON.sub(r"\1 100", _HALF_A_MILLION.sub("500000", lowered)))

    def added(match: re.Match[str]) -> str:  # "100 and fifty" -> "150", "2000 500" -> "2500"
        more = int(match.group("hundreds") or 0) + sum(
            _NUMBER_WORDS[w] for w in (match.group("tens"), match.group("unit")) if w
        )
        return str(int(match.group("round")) + more)

    lowered = _ROUND_AND_MORE.sub(added, lowered)

    def hundreds(match: re.Match[str]) -> str:  # "under one-fifty" -> "under 150"
        more = sum(_NUMBER_WORDS[w] for w in (match.group("tens"), match.group("unit")) if w)
        return f"{match.group('cue')} {_NUMBER_WORDS[match.group('hundreds')] * 100 + more}"

    lowered = _HUNDREDS_SPOKEN.sub(hundreds, lowered)

    def tens(match: re.Match[str]) -> str:
        if not (match.group("cue") or match.group("cur")):
            return match.group(0)
        return match.group(0).replace(match.group("tens"), str(_NUMBER_WORDS[match.group("tens")]))

    return _WORDED_TENS.sub(tens, lowered)


# "for 4 people", "about 8 of us": a number of these is no amount of money
_COUNTED = frozenset(
    "people persons seats kids children adults guests players player of "
    "day days week weeks month months year years night nights".split()  # "backpacking for 3 months": a time
)


_CUED = rf"(?:\b(?:{_BUDGET_CUE.pattern})\s*)"
_SCALE_SAID = rf"(?:(?:{_THOUSAND}|{_MILLION})\b|{_THOUSAND_CJK}|{_TEN_THOUSAND})"  # "2k", "1.5 million", "10만"
_AMOUNT_SAID = rf"[{_CURRENCY_SYMBOLS}]?\s*\d[\d,.]*\s*{_SCALE_SAID}?"
_IN_CURRENCY = rf"(?:\s*(?:{CURRENCY.pattern}|won\b|[{_CJK_CURRENCY}]))"
# "under 1万円", "no más de 2 mil", "300 pesitos": an amount with its cue or its currency
_MONEY_TALK = re.compile(rf"{_CUED}{_AMOUNT_SAID}{_IN_CURRENCY}?|{_AMOUNT_SAID}{_IN_CURRENCY}", re.I)


def without_amounts(text: str) -> str:
    """The message without its money talk ("something to hold it steady, under 1万円?" -> "something to hold it
    steady, ?"), for comparing what it says of the need with product texts."""
    lowered = _MONEY_TALK.sub(" ", _digits_for_words(text.lower()))
    return re.sub(r"\s+", " ", CURRENCY.sub(" ", lowered.replace("円", " "))).strip()


def parse_budget(text: str, cued_only: bool = False) -> float | None:
    """A money amount in free text: "under a grand", "1.5k", "around 800 bucks", "€1,200", "a hundred bucks".

    A bare number counts only when it is the only one and `cued_only` is False (the answer to "what's
    your budget?"); in any other message a number needs a cue ("under", "budget", a currency), so
    "for 2 people" is not a budget of 2."""
    lowered = _digits_for_words(text.lower())
    candidates: list[tuple[int, float]] = []
    for match in _MONEY.finditer(lowered):
        raw = match.group("num")
        if re.fullmatch(r"\d{1,3}(?:[,.\s]\d{3})+", raw):
            number = float(re.sub(r"[,.\s]", "", raw))
        else:
            number = float(raw.replace(",", "."))
        if match.group("k"):
            number *= 1000
        if match.group("million"):
            number *= 1_000_000
        before = lowered[max(0, match.start() - 25) : match.start()]
        after = lowered[match.end() : match.end() + 12]
        if match.group("man"):
            if match.group("man") == "man" and not _SAID_AS_MONEY.match(after):
                continue  # "a 4 man tent": people
            number *= 10_000
        unit = re.match(r"\s*([a-z]+)", after)
        if not match.group("k") and unit and unit.group(1) in UNIT_WORDS | _COUNTED:
            continue  # "about 150kg", "for 4 people": a quantity, not an amount of money
        cue = bool(
            match.group("cur")
            or match.group("k")
            or match.group("million")
            or match.group("man")
            or _BUDGET_CUE.search(before)
            or CURRENCY.match(after.lstrip())
            or _WON_AFTER_AMOUNT.match(after)
            or _BUDGET_CUE_AFTER.match(after)
        )
        if not cue and _AN_AGE_BEFORE.search(before):
            continue
        candidates.append((1 if cue else 0, number))
    if not candidates:
        return None
    cued = [n for c, n in candidates if c]
    if cued:
        return cued[0]
    return candidates[0][1] if len(candidates) == 1 and not cued_only else None


# "my mum is 70", "she's just turned 4": a number said of someone, with no money cue, is an age
_AN_AGE_BEFORE = re.compile(
    r"(?:\w\s+(?:is|am|are|was|turned|turning|turns|aged)|\w'[sm])\s*(?:just\s+|nearly\s+|almost\s+)?$"
)


@dataclass(frozen=True)
class SpecQuery:
    """Which product attribute a question is about, and for comparisons which way is better."""

    key: str  # "price", "stock" or a spec key from the catalogue
    direction: str | None = None  # "min", "max" or None for a plain look-up


PRICE_WORDS = frozenset(
    "cheaper cheapest price prices priced cost costs expensive pricier priciest dearer dearest affordable".split()
    # "and the cena?": the word for price in customers' own languages
    + "cena preis prijs prezzo precio preço prix gagyeok 가격 nedan".split()
)
STRONG_STOCK_WORDS = frozenset("stock available availability".split())
STOCK_WORDS = STRONG_STOCK_WORDS | frozenset("sell carry have got buy order left".split())  # "how many left?"
# Services customers ask shops for. One the shop's texts never mention is one it does not offer.
SERVICE_WORDS = frozenset(
    "rent rental rentals renting hire hiring lease leasing appointment appointments booking consultation "
    "consultations repair repairs repairing servicing grooming course courses class classes lesson lessons "
    "workshop workshops installation installing assembly fitting fittings showroom tasting tastings engraving "
    "personalisation personalization tailoring alterations cleaning valeting registry registries subscription "
    "subscriptions membership trade sharpen sharpening shorten shortening hemming resole resoling engrave "
    "mending wrap wrapping giftwrap custom bespoke regrip regripping restring restringing valuation valuations "
    "appraisal appraisals".split()
)
# Service words that name the same service: a page that hires boards out rents them
_SAME_SERVICE = (
    frozenset("rent rental rentals renting hire hiring lease leasing".split()),
    frozenset("custom bespoke".split()),  # made to the customer's measure
    frozenset("valuation valuations appraisal appraisals".split()),  # what a piece is worth, for insurance
    frozenset("assembly installation fitting install assemble".split()),
    frozenset("cleaning washing wash laundry".split()),
    frozenset("wrapping wrap giftwrap".split()),
    frozenset("removal recycling".split()),
)


# Shop abbreviations said in capitals ("is COD available?"); in small letters "cod" is a fish
_ABBREVIATIONS = {"COD": "cash on delivery", "EMI": "EMI instalments"}
_ABBREVIATION = re.compile(rf"\b({'|'.join(_ABBREVIATIONS)})\b")


def spelled_out(text: str) -> str:
    """The text with the shop abbreviations it uses in capitals written out."""
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)


def same_word(a: str, b: str) -> bool:
    """Forms of one word ("wash", "washing"; "assembly", "assembled"), not two words with one crude stem
    ("installation" and "instalments")."""
    short, long = sorted((a, b), key=len)
    return stem(a) == stem(b) and long.startswith(short[:7])


def same_service(word: str) -> frozenset[str]:
    """The service words that name the service `word` names, itself included ("rent": "hire", "lease", …)."""
    return next((group for group in _SAME_SERVICE if word in group), frozenset({word}))


# Words that say nothing about which attribute is asked: question words and general requests.
GENERAL_WORDS = frozenset(
    "what whats which how does do is are can could would will you your tell about info information details "
    "detail specs spec specification specifications describe overview show please much many any good worth "
    "like think opinion review recommend there there's get one this that model version new still right now "
    "today currently moment atm us we life come comes has have with when time long got then else also ok okay so "
    "he him his she her hers they them their our goes wat wot pls plz thx shop shopping ye ya yous down "
    "interested keen considering making".split()
)
# Words too common to be a customer's typo of a product or category name.
EVERYDAY_WORDS = STOP_WORDS | GENERAL_WORDS | frozenset(_NUMBER_WORDS) | {"hundred", "thousand"}


def stem(word: str) -> str:
    """Crude but shop-agnostic: "shipping", "shipped" and "ship" become "ship"; "returns" "retur"."""
    word = singular(word)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2]:  # shipp → ship
                word = word[:-1]
            break
    return word[:5]


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """The text cut after each ".", "!" or "?" that a space follows."""
    return [s for s in _SENTENCE_BREAK.split(text.strip()) if s]


_FAST_WORDS = frozenset("fast faster fastest quick quicker quickest".split())
# "how many are left?", "any left in stock": the stock, not a left-handed model
_STOCK_LEFT = re.compile(r"\b(?P<head>(?:many|much|any|some)\b[\w\s,'-]{0,40}?)\bleft\b|\bleft(?= in stock\b)", re.I)


def _left_as_stock(text: str) -> str:
    return _STOCK_LEFT.sub(lambda m: (m.group("head") or "") + "stock", text)


def said_units(words: Iterable[str]) -> set[str]:
    """The spec-key units of the unit words said ("litres" -> "l"), leaving out those that are also words."""
    return {SAID_UNITS[w] for w in words if SAID_UNITS.get(w) and w not in _AMBIGUOUS_UNITS}


def key_unit(key: str) -> str | None:
    """The unit part of a spec key ("volume_l" -> "l", "max_range_yards" -> "yd"), if it has one."""
    last = key.lower().rpartition("_")[2]
    if "_" not in key:
        return None
    if last in SAID_UNITS.values():
        return last
    return SAID_UNITS[last] if last in SAID_UNITS and last not in _AMBIGUOUS_UNITS else None


# "how much is a skein of …", "how much for one box": the amount sold at that price, not a spec asked about
_UNIT_OF_SALE = re.compile(r"\bhow much (?:is |are |for |does |do )?(?:a|an|one|each|per) (?P<unit>[^\W\d_]+)", re.I)


_HOW_MANY = {("how", "many"), ("how", "much")}


def _asked_units(said: list[str]) -> set[str]:
    """The units a question asks for by name: "how many yards are in one skein?" -> {"yd"}."""
    asked = [word for before, ask, word in zip(said, said[1:], said[2:], strict=False) if (before, ask) in _HOW_MANY]
    return {SAID_UNITS[w] for w in asked if w in SAID_UNITS and w not in _AMBIGUOUS_UNITS}


def _graded_base(word: str, comparing: bool) -> str | None:
    """The adjective a superlative is made of ("hardest": "hard"; "thickest": "thick"), or a comparative in a
    comparison ("which is harder?"), when it is long enough to tell a spec key ("hardness") apart."""
    for ending in ("est", "er") if comparing else ("est",):
        base = word.removesuffix(ending)
        if base != word and len(base) >= 4 and base.isalpha():
            return base
    return None


def find_spec_query(text: str, spec_keys: list[str]) -> SpecQuery | None:
    """The attribute a question asks about: a spec key (best word overlap), else price, else stock."""
    # "no more than 100", "less than 3 kg": a limit, not a ranking
    said = tokens(_left_as_stock(text))
    sold_by = {m.group("unit").lower() for m in _UNIT_OF_SALE.finditer(text)}
    words = [w for i, w in enumerate(said) if (i + 1 == len(said) or said[i + 1] != "than") and w not in sold_by]
    words += [a + b for a, b in pairwise(words) if a.isalpha() and b.isalpha()]  # "hard cover": hardcover
    targets = [target for w in words if w in SPEC_SYNONYMS for target in SPEC_SYNONYMS[w].split()]
    if set(words) & _WEIGHT_WORDS and set(words) & _BEARS:  # "how much weight can it take?": a load, not its weight
        targets = ["load", "capacity", "max", "user", *targets]
    wanted = set(words) | set(targets)
    direction = None
    if any(w in LESS_WORDS for w in words):
        direction = "min"
    elif any(w in MORE_WORDS for w in words):
        direction = "max"
    if _HOW_MUCH_FOR.search(text):
        return SpecQuery("price", None)  # "how much for the bahia travel rod, the one that breaks down small?"
    if _HOW_MANY_HELD.search(text):
        return SpecQuery("stock", None)  # "how many bottles have you got?": not their size in ml
    if wanted & _PRICE_RANKS and not (wanted - _PRICE_RANKS - {"more", "most", "less", "least"}) & (
        MORE_WORDS | LESS_WORDS
    ):
        # "whats your cheapest recipe book?": ranked by price, though "recipes" is a spec too
        return SpecQuery("price", "min" if wanted & _CHEAPER else "max")
    best_key, best_overlap = None, 0.0
    wanted_stems = {stem(w) for w in wanted}
    units_said = said_units(words)
    units_asked = _asked_units(said)
    said_forms = set(words) | {singular(w) for w in words}
    ranked_by = {singular(b) for a, b in pairwise(words) if a in MORE_WORDS or a in LESS_WORDS} - {"than"}
    comparing = "which" in words or "than" in said
    key_words_said = {w for key in spec_keys for w in tokens(key)} & set(words)  # "filter" is no "filt" + "er"
    graded = {base for w in words if (base := _graded_base(w, comparing)) and w not in key_words_said}
    for key in spec_keys:  # ordered by preference: the first key with the best overlap wins
        key_words = {w for w in tokens(key) if w not in UNIT_WORDS and w not in _NUMBER_WORDS}  # not "one_hand_fold"
        # "secure" asks about a security level: a shared stem of five letters counts too
        overlap = len(key_words & wanted) or len({stem(w) for w in key_words if len(w) >= 5} & wanted_stems)
        overlap += key_unit(key) in units_said  # "how many litres does it take": its volume_l
        overlap += key_unit(key) in units_asked  # "how many yards are in one skein": its yardage, not its skein_g
        # "the hardest steel": its hardness, more than its steel; the degree word also says which way is better
        overlap += 1.5 * any(w.startswith(base) and w != base for w in key_words for base in graded)
        # Among keys a synonym points to ("biggest": width or length?), the synonym's first choice wins; a key
        # word the customer said ("what wood is it made of": top_wood, not material) beats a synonym's.
        ranks = [targets.index(w) for w in key_words if w in targets and w not in words]
        score = overlap - (min(ranks) / 100 if ranks else 0.0) + 0.05 * len(key_words & said_forms)
        score += 0.5 * bool({singular(w) for w in key_words} & ranked_by)  # "the most yardage per skein": its yardage
        score -= 0.001 * len(key_words - wanted)  # "how heavy is it": its weight, not its max rider weight
        if overlap and score > best_overlap:
            best_key, best_overlap = key, score
    if best_key is not None:
        if direction is None and any(w.startswith(b) and w != b for w in tokens(best_key) for b in graded):
            direction = "max"
        # "which is light?" ranks by weight; "a light one i can strap to my backpack" is a need, no ranking
        if wanted & {"lighter", "lightest"} or ("light" in wanted and (comparing or direction)):
            direction = "min"
        if direction and wanted & {"warm", "warmer", "warmest"} and "temp" in tokens(best_key):
            direction = "min"  # the warmest sleeping bag has the lowest comfort temperature
        if direction and wanted & _FAST_WORDS and "time" in tokens(best_key):
            direction = "min"  # the pasta that cooks fastest has the shortest cooking time
        return SpecQuery(best_key, direction)
    if wanted & PRICE_WORDS or asks_how_much(text):
        if wanted & (_CHEAPER | {"affordable"}) or ("less" in wanted and "expensive" in wanted):
            return SpecQuery("price", "min")
        if wanted & _DEARER or ({"more", "most"} & wanted and "expensive" in wanted):
            return SpecQuery("price", "max")
        return SpecQuery("price", None)
    if wanted & STOCK_WORDS and not _HAS_A_THING.search(text):
        return SpecQuery("stock", None)
    return None


_HOW_MUCH_FOR = re.compile(r"\bhow much (?:for|to buy)\b", re.I)
_HOW_MANY_HELD = re.compile(
    r"\bhow many\b(?:\s+\w+){0,3}?\s+(?:have you(?: still)? got|do you(?: still)? have|are (?:there )?left|left)\b",
    re.I,
)
_CHEAPER = frozenset({"cheaper", "cheapest"})
_DEARER = frozenset("pricier priciest dearer dearest".split())
_PRICE_RANKS = _CHEAPER | _DEARER
# "does it have a visor?", "has it got a hood": what the product has, not whether the shop has it
_HAS_A_THING = re.compile(
    r"\b(?:does|do|did) (?:it|this|that|they|these|those|this one|that one) have (?:a|an|any|some)\b|"
    r"\b(?:has|have) (?:it|this|that|they|these|those) got (?:a|an|any|some)\b",
    re.I,
)


# "how much", as customers who mix in their own language ask it
_HOW_MUCH = re.compile(
    r"\bhow much\b|\bcu[aá]nto (?:cuesta|vale|sale|es)\b|\bquanto (?:custa|costa|é|e)\b|\bcombien\b|"
    r"\bwie ?viel\b|\bwas kostet\b|\bikura\b|いくら|\bile (?:to )?kosztuj\w*|\bhoeveel kost\w*|\bkolik stoj[ií]\b|"
    r"\bmennyibe\b|\b(?:hvad|hva|vad) kost\w*|\bbei (?:gani|yake|ya)\b|\bni (?:shilingi )?ngapi\b|\bberapa\b|"
    r"\bne kadar\b|\bkitne ka\b|\bkitna\b|\beolma\w*|얼마",
    re.I,
)


def asks_how_much(text: str) -> bool:
    return bool(_HOW_MUCH.search(text))


def asks_price_outright(text: str) -> bool:
    """ "ile kosztuje …?", "how much is it?": the price; "how much ink does it hold?" asks an amount of ink."""
    return asks_how_much(text) and not _HOW_MUCH_OF.search(text)


_HOW_MUCH_OF = re.compile(
    r"\bhow much\s+(?!(?:is|are|for|does|do|did|would|will|was|were|to|it|they|that|this|these|those|should|can|"
    r"could|in|altogether|total|money)\b)[^\W\d_]{3,}",
    re.I,
)


# Words that ask about no attribute: "how heavy before i put anything in?"
_NO_ATTRIBUTE_WORDS = frozenset("anything something everything put before after actually really even just".split())


def unexplained_words(text: str, products: list[Product], query: SpecQuery | None) -> set[str]:
    """Words of a product question that no known attribute explains ("colour", "waterproof").

    If a customer asks about something the catalogue does not record, the honest answer is
    that we don't know, not a summary that looks like an answer.
    """
    known = set(STOP_WORDS) | GENERAL_WORDS | PRICE_WORDS | STOCK_WORDS | UNIT_WORDS | LESS_WORDS | MORE_WORDS
    known |= _NO_ATTRIBUTE_WORDS
    for product in products:
        known |= set(tokens(product.name)) | set(tokens(product.brand)) | set(tokens(product.category))
        known |= set(tokens(product.sku))
        known |= {singular(w) for w in tokens(product.category)}
        # "cabin" of "cabin bag", but not "burr" of "burr grinder" where "burr_type" is a spec
        spec_words = {singular(w) for key in product.specs for w in tokens(key)}
        known |= {w for phrase in category_phrases(product.category) for w in phrase.split()} - spec_words
        if query is not None:
            known |= set(tokens(query.key))
    known |= {w for w, targets in SPEC_SYNONYMS.items() if query and any(t in query.key for t in targets.split())}
    if query is not None and query.key == "price":
        known |= {"much", "pay", "money", *CURRENCY_WORDS}
    if query is not None and key_unit(query.key) in said_units(tokens(text)):
        return set()  # "how many litres of soil does it take": the unit says what is asked
    if query is not None and key_unit(query.key) in _SIZE_UNITS:
        known |= _SIZE_WORDS  # "how big is the speaker": its size in inches
    if query is not None and {"load", "capacity"} & set(tokens(query.key)):
        known |= _WEIGHT_WORDS | _BEARS | {"much"}
    name_words = {w for product in products for w in tokens(product.name)}
    if "mark" in name_words:  # "the r7 mk2": its name's "Mark II"
        known |= {w for w in tokens(text) if _MARK.fullmatch(w)}
    key_stems = {k[:4] for k in tokens(query.key) if len(k) >= 4} if query else set()  # "ship" for "shipping"
    return {
        w
        for w in tokens(text)
        if w not in known
        and singular(w) not in known  # "the fynbos jars": a "Jar Set"
        and not w.replace(".", "").isdigit()
        and len(w) > 2
        and w[:4] not in key_stems
        and not any(matches_word(name_word, {w}) for name_word in name_words)  # a typo of the name ("arai")
    }


# Asking to see a selection ("what sofas do you have?", "show me trail shoes", "I need a kettle") and, wider,
# asking whether the shop has something at all ("do you sell tents?").
_SEE_PRODUCTS = re.compile(
    r"\b(what|which|show|see|list|any|options?|recommend|suggest|looking for|look for|searching for|need|want|"
    r"after|cheapest|best)\b",
    re.I,
)
_HAVE_PRODUCTS = re.compile(r"\b(got|have|sell|carry|stock|find|buy|get)\b", re.I)


def asks_to_see_products(text: str) -> bool:
    return bool(_SEE_PRODUCTS.search(text))


def asks_about_products(text: str) -> bool:
    return asks_to_see_products(text) or bool(_HAVE_PRODUCTS.search(text))


# A need said without naming what would meet it: "need something to ride on for my nephew", "a present for a
# newborn", "his room is really dark, what would help?". "Do you sell lego?" or "got any jigsaw puzzles?" name a
# thing, which the shop has or not; they state no need.
_STATES_A_NEED = re.compile(
    r"\b(?:something|anything|present|gift|what (?:would|could|might|will) (?:help|keep)|"
    r"what (?:should|could|can) i (?:get|buy|use|keep|store|put)|what (?:would|do|can|could) you (?:suggest|recommend)|"
    r"(?:need|want|looking for|searching for|after) (?:a|an|some)\b|"
    # "want to photograph the stars, which renzu should i get?": a use, and what to get for it in their own word
    r"(?:which|what) (?:[\w'-]+ ){0,2}(?:should|would|could|do) (?:i|we) (?:get|buy|use|take|pick|choose)\b|"
    r"(?:need|want|wanna) to (?!(?:return|send|know|ask|pay|cancel|change|order|buy)\b)\w+)",
    re.I,
)


_NEED_WORDS = frozenset("something anything present gift need needs want looking searching help suggest".split())


def states_a_need(text: str) -> bool:
    return bool(_STATES_A_NEED.search(text))


def need_details(text: str) -> set[str]:
    """What a message says of the need beyond asking: "something to ride on" -> {"ride"}; "can you recommend
    something?" -> nothing."""
    return content_words(text) - EVERYDAY_WORDS - _NEED_WORDS


# Talk of discounts and offers, in a customer's question or in a model's sentence (the fact gate).
DISCOUNT_TALK = re.compile(
    r"\b(discount\w*|coupon\w*|promo\w*|voucher\w*|rebate\w*|price match\w*|cashback|deal\w*|on sale|"
    r"sale price|sale|percent off|free gift|(?:anything|something|money) off)\b|%\s*off|"
    # "can you do 10%?", "save 15%": a cut, not "100% cotton" or "0% interest"
    r"\b(?:get|give|knock|take|do|save)\s+(?:me\s+|us\s+|a\s+)?\d+\s*%",
    re.I,
)


def mentions_price(text: str) -> bool:
    """ "too expensive", "can you do it for less?", "any discount?": the price is what the customer talks about."""
    talk = PRICE_WORDS | {"pricey", "afford", "less", "money", "much", "steep", "budget"}
    return bool(set(tokens(text)) & talk) or asks_for_discount(text)


def asks_for_discount(text: str) -> bool:
    """Discounts are never invented: any question about one gets the same honest answer."""
    return bool(DISCOUNT_TALK.search(text))
