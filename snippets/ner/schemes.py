"""Tagging schemes (IOB1, BIO2, IOBES), entity spans and entity-level scores.

The code of docs/ner/schemes.md. Importing it prints nothing;
``python -m snippets.ner.schemes`` prints the page's examples.
"""


# --8<-- [start:spans]
def spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entities as (type, start, end) with end exclusive, for any scheme.

    An entity starts at B- or S-, or at an I-/E- that does not continue
    the entity before it (IOB1 style); it ends before O, B-, S-, a type
    change, or right after E- and S-.
    """
    found, kind, start = [], None, 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if kind is not None and (prefix in ("O", "B", "S") or label != kind):
            found.append((kind, start, i))
            kind = None
        if prefix != "O" and kind is None:
            kind, start = label, i
        if prefix in ("E", "S"):
            found.append((kind, start, i + 1))
            kind = None
    return found
# --8<-- [end:spans]


# --8<-- [start:convert]
SCHEMES = ("iob1", "bio2", "iobes")


def from_spans(entities, length: int, scheme: str) -> list[str]:
    """Tags for ``length`` tokens holding ``entities``, in ``scheme``."""
    tags = ["O"] * length
    ends = {}  # end position -> type, to spot entities that touch
    for kind, start, end in entities:
        inside = ["I"] * (end - start)
        touches = ends.get(start) == kind  # same type ends right here
        if scheme == "bio2" or (scheme == "iob1" and touches):
            inside[0] = "B"
        elif scheme == "iobes":
            inside[0], inside[-1] = "B", "E"
            inside = ["S"] if end - start == 1 else inside
        tags[start:end] = [f"{p}-{kind}" for p in inside]
        ends[end] = kind
    return tags


def convert(tags: list[str], scheme: str) -> list[str]:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}, expected {SCHEMES}")
    return from_spans(spans(tags), len(tags), scheme)
# --8<-- [end:convert]


# --8<-- [start:scores]
def entity_scores(gold: list[list[str]], predicted: list[list[str]]):
    """Precision, recall and F1 over exact entity matches, as conlleval.

    An entity counts as found only if its type, first and last token all
    match; a partly found entity is both a false positive and a miss.
    """
    true = {(n, *e) for n, tags in enumerate(gold) for e in spans(tags)}
    guess = {(n, *e) for n, tags in enumerate(predicted) for e in spans(tags)}
    hits = len(true & guess)
    precision = hits / len(guess) if guess else 0.0
    recall = hits / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1
# --8<-- [end:scores]


if __name__ == "__main__":
    # --8<-- [start:show_spans]
    iob1 = ["I-PER", "I-PER", "O", "I-ORG", "B-ORG", "I-ORG", "I-LOC"]
    print(spans(iob1))
    # --8<-- [end:show_spans]

    # --8<-- [start:show_convert]
    for scheme in SCHEMES:
        print(f"{scheme:5}", " ".join(convert(iob1, scheme)))
    # --8<-- [end:show_convert]

    # --8<-- [start:show_scores]
    gold = [["I-PER", "I-PER", "O", "I-LOC"], ["I-ORG", "O"]]
    predicted = [["I-PER", "O", "O", "I-LOC"], ["I-ORG", "I-MISC"]]
    precision, recall, f1 = entity_scores(gold, predicted)
    print(f"precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    # --8<-- [end:show_scores]
