"""Tagging schemes (IOB1, BIO2, IOBES, BILOU), entity spans and entity-level scores.

The code of docs/ner/schemes.md. Importing it prints nothing;
``python -m snippets.ner.schemes`` prints the page's examples.
"""


# --8<-- [start:spans]
# BILOU's L- (last) and U- (unit) are IOBES's E- and S- under other names.
SAME = {"L": "E", "U": "S"}


def spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entities as (type, start, end) with end exclusive, for any scheme.

    An entity starts at B- or S-, or at an I-/E- that does not continue
    the entity before it (IOB1 style); it ends before O, B-, S-, a type
    change, or right after E- and S-.
    """
    found, kind, start = [], None, 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        prefix = SAME.get(prefix, prefix)
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
SCHEMES = ("iob1", "bio2", "iobes", "bilou")


def from_spans(entities, length: int, scheme: str) -> list[str]:
    """Tags for ``length`` tokens holding ``entities``, in ``scheme``."""
    tags = ["O"] * length
    ends = {}  # end position -> type, to spot entities that touch
    for kind, start, end in entities:
        inside = ["I"] * (end - start)
        touches = ends.get(start) == kind  # same type ends right here
        if scheme == "bio2" or (scheme == "iob1" and touches):
            inside[0] = "B"
        elif scheme in ("iobes", "bilou"):
            last, unit = ("E", "S") if scheme == "iobes" else ("L", "U")
            inside[0], inside[-1] = "B", last
            inside = [unit] if end - start == 1 else inside
        tags[start:end] = [f"{p}-{kind}" for p in inside]
        ends[end] = kind
    return tags


def convert(tags: list[str], scheme: str) -> list[str]:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}, expected {SCHEMES}")
    return from_spans(spans(tags), len(tags), scheme)


def guess_scheme(tags: list[str]) -> str:
    """The scheme that a sentence's tags are written in, as far as they
    show it (an IOB1 entity starts with I-, a BIO2 one with B-)."""
    prefixes = {tag[0] for tag in tags}
    if prefixes & {"E", "S"}:
        return "iobes"
    if prefixes & {"L", "U"}:
        return "bilou"
    if any(tags[start][0] == "I" for _, start, _ in spans(tags)):
        return "iob1"
    return "bio2"
# --8<-- [end:convert]


# --8<-- [start:scores]
def fractions(hits: int, found: int, true: int):
    """Precision, recall and F1 from counts of entities."""
    precision = hits / found if found else 0.0
    recall = hits / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def entity_scores(gold: list[list[str]], predicted: list[list[str]],
                  strict: str | None = None):
    """Precision, recall and F1 over exact entity matches, as conlleval.

    An entity counts as found only if its type, first and last token all
    match; a partly found entity is both a false positive and a miss.
    ``strict``, a scheme name, reads entities with ``strict_spans``.
    """
    true, guess = entity_sets(gold, predicted, strict)
    return fractions(len(true & guess), len(guess), len(true))


def entity_sets(gold, predicted, strict=None):
    """The true and the predicted entities, as (sentence, type, start, end)."""
    def read(tags):
        return strict_spans(tags, strict) if strict else spans(tags)

    true = {(n, *e) for n, tags in enumerate(gold) for e in read(tags)}
    guess = {(n, *e) for n, tags in enumerate(predicted) for e in read(tags)}
    return true, guess
# --8<-- [end:scores]


# --8<-- [start:report]
def conlleval_report(gold, predicted, strict: str | None = None) -> str:
    """The summary conlleval prints: totals, then one line per type with
    the number of entities predicted for it."""
    true, guess = entity_sets(gold, predicted, strict)
    tokens = sum(len(tags) for tags in gold)
    right = sum(g == p for gs, ps in zip(gold, predicted, strict=True)
                for g, p in zip(gs, ps, strict=True))

    def scores(hits, found, true):
        p, r, f = fractions(hits, found, true)
        return (f"precision: {100 * p:6.2f}%; recall: {100 * r:6.2f}%; "
                f"FB1: {100 * f:6.2f}")

    lines = [
        f"processed {tokens} tokens with {len(true)} phrases; "
        f"found: {len(guess)} phrases; correct: {len(true & guess)}.",
        f"accuracy: {100 * right / tokens:6.2f}%; "
        + scores(len(true & guess), len(guess), len(true)),
    ]
    for kind in sorted({entity[1] for entity in true | guess}):
        t = {e for e in true if e[1] == kind}
        g = {e for e in guess if e[1] == kind}
        lines.append(f"{kind:>17}: {scores(len(t & g), len(g), len(t))}"
                     f"  {len(g)}")
    return "\n".join(lines)
# --8<-- [end:report]


# --8<-- [start:strict]
def strict_spans(tags: list[str], scheme: str) -> list[tuple[str, int, int]]:
    """Only the entities that are well formed in ``scheme``: in BIO2 a B-
    and the I- of its type that follow; in IOBES (or BILOU) B-, I-... and
    E-, or one S-. Other tags belong to no entity."""
    inside = ("I",) if scheme == "bio2" else ("I", "E")
    found, kind, start = [], None, 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        prefix = SAME.get(prefix, prefix)
        if kind is not None and (prefix not in inside or label != kind):
            if scheme == "bio2":  # BIO2 has no end tag: O or B- ends it
                found.append((kind, start, i))
            kind = None  # in IOBES an entity without its E- is not one
        elif prefix == "E" and kind is not None:
            found.append((kind, start, i + 1))
            kind = None
        if prefix == "B":
            kind, start = label, i
        elif prefix == "S" and scheme != "bio2":
            found.append((label, i, i + 1))
    return found
# --8<-- [end:strict]


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

    # --8<-- [start:show_report]
    print(conlleval_report(gold, predicted))
    # --8<-- [end:show_report]

    # --8<-- [start:show_strict]
    gold = [["B-PER", "I-PER", "O", "O"], ["O", "B-LOC", "I-LOC", "O"]]
    predicted = [["I-PER", "I-PER", "O", "O"], ["O", "B-LOC", "I-LOC", "O"]]
    print(conlleval_report(gold, predicted))
    print(conlleval_report(gold, predicted, strict="bio2"))
    # --8<-- [end:show_strict]
