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
from itertools import pairwise

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
    """The scheme that tags are written in, as far as they show it: those
    of a sentence, or of a whole file with an O between its sentences.
    IOB1 writes B- only right after a token of the same type, so a B-
    anywhere else means BIO2 (IOB2), even if a stray I- starts another
    entity; otherwise an entity that starts with I- means IOB1."""
    prefixes = {tag[0] for tag in tags}
    if prefixes & {"E", "S"}:
        return "iobes"
    if prefixes & {"L", "U"}:
        return "bilou"
    if any(tag[0] == "B" and tag[2:] != previous[2:]
           for previous, tag in pairwise(["O", *tags])):
        return "bio2"
    if any(tags[start][0] == "I" for _, start, _ in spans(tags)):
        return "iob1"
    return "bio2"
# --8<-- [end:convert]


# --8<-- [start:scores]
from snippets.ner.data import TAG  # O, or B-/I-/E-/S-/L-/U- and a type

# The prefixes each scheme writes; strict mode refuses any other tag.
PREFIXES = {"iob1": "BI", "bio2": "BI", "iobes": "BIES", "bilou": "BILU"}


def check_tags(tags: list[str], scheme: str | None = None) -> None:
    """A ValueError unless every tag is O or a prefix and a type and, given
    ``scheme``, the scheme is known and has the prefix."""
    if scheme is not None and scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}, expected one of "
                         + ", ".join(SCHEMES))
    allowed = PREFIXES[scheme] if scheme else "BIESLU"
    for i, tag in enumerate(tags):
        if not TAG.fullmatch(tag) or (tag != "O" and tag[0] not in allowed):
            where = f" in {scheme}" if scheme else ""
            raise ValueError(
                f"tag {tag!r} (token {i}) is not valid{where}: expected O or "
                + ", ".join(f"{p}-" for p in allowed) + " plus a type")


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
    """The true and the predicted entities, as (sentence, type, start, end),
    once the two lists are checked: as long as each other, valid tags."""
    check_tags([], strict)  # an unknown scheme fails even with no tags
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold and {len(predicted)} predicted "
                         "sentences")
    for n, (true_tags, tags) in enumerate(zip(gold, predicted, strict=True)):
        if len(true_tags) != len(tags):
            raise ValueError(f"sentence {n}: {len(true_tags)} gold and "
                             f"{len(tags)} predicted tags")

    def read(sentences, which):
        found = set()
        for n, tags in enumerate(sentences):
            try:
                check_tags(tags, strict)
            except ValueError as err:
                raise ValueError(f"{which} sentence {n}: {err}") from None
            entities = strict_spans(tags, strict) if strict else spans(tags)
            found |= {(n, *entity) for entity in entities}
        return found

    return read(gold, "gold"), read(predicted, "predicted")
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
    ]
    if tokens:  # as conlleval, no accuracy line for no tokens
        lines.append(f"accuracy: {100 * right / tokens:6.2f}%; "
                     + scores(len(true & guess), len(guess), len(true)))
    for kind in sorted({entity[1] for entity in true | guess}):
        t = {e for e in true if e[1] == kind}
        g = {e for e in guess if e[1] == kind}
        lines.append(f"{kind:>17}: {scores(len(t & g), len(g), len(t))}"
                     f"  {len(g)}")
    return "\n".join(lines)


def type_scores(gold, predicted, strict: str | None = None):
    """Precision, recall and F1 of each entity type, as a dict."""
    true, guess = entity_sets(gold, predicted, strict)
    scores = {}
    for kind in sorted({entity[1] for entity in true | guess}):
        t = {e for e in true if e[1] == kind}
        g = {e for e in guess if e[1] == kind}
        scores[kind] = fractions(len(t & g), len(g), len(t))
    return scores
# --8<-- [end:report]


# --8<-- [start:strict]
def strict_spans(tags: list[str], scheme: str) -> list[tuple[str, int, int]]:
    """Only the entities that are well formed in ``scheme``: in BIO2 a B-
    and the I- of its type that follow; in IOBES (or BILOU) B-, I-... and
    E-, or one S-; in IOB1 see ``strict_iob1``. Other tags belong to no
    entity."""
    check_tags(tags, scheme)
    if scheme == "iob1":
        return strict_iob1(tags)
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
        elif prefix == "S":
            found.append((label, i, i + 1))
    return found


def strict_iob1(tags: list[str]) -> list[tuple[str, int, int]]:
    """IOB1 read strictly: an entity starts with I-, or with B- right after
    a token of its own type, and goes on over I- of its type. A B- after O
    or after another type belongs to no entity."""
    found, kind, start = [], None, 0
    before, before_label = "O", ""  # prefix and type of the token before
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if kind is not None and (prefix != "I" or label != kind):
            # As seqeval does, drop a one-token B- entity that a B- of
            # another type follows (that B- is not valid IOB1 either).
            if not (before == "B" and prefix == "B" and label != kind):
                found.append((kind, start, i))
            kind = None
        if kind is None and (prefix == "I" or
                             (prefix == "B" and label == before_label)):
            kind, start = label, i
        before, before_label = prefix, label
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
    stray = ["B-PER", "I-PER", "O", "I-LOC"]  # BIO2, one entity with I-
    print("guessed:", guess_scheme(iob1), guess_scheme(stray))
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

    # --8<-- [start:show_iob1]
    print(strict_spans(["I-PER", "I-PER", "O", "I-LOC", "B-LOC"], "iob1"))
    print(strict_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC"], "iob1"))
    # --8<-- [end:show_iob1]

    # --8<-- [start:show_refused]
    refused = [  # gold, predicted, strict
        ([["B-PER"]], [["B-PER"]], "bioes"),  # no such scheme
        ([["S-PER"]], [["S-PER"]], "bio2"),  # BIO2 has no S-
        ([["O"]], [["b-PER"]], None),  # not a tag in any scheme
        ([["B-PER", "O"]], [["B-PER"]], None),  # one tag short
    ]
    for true_tags, tags, scheme in refused:
        try:
            entity_scores(true_tags, tags, strict=scheme)
        except ValueError as err:
            print("ValueError:", err)
    # --8<-- [end:show_refused]

    # --8<-- [start:seqeval]
    from seqeval.metrics import classification_report
    from seqeval.scheme import BILOU, IOB1, IOB2, IOBES

    SEQEVAL = {"iob1": IOB1, "bio2": IOB2, "iobes": IOBES, "bilou": BILOU}

    def seqeval_scores(gold, predicted, strict=None):
        """seqeval's precision, recall and F1 over all entities and per
        type: its default mode, or strict mode in the scheme ``strict``."""
        mode = {"mode": "strict", "scheme": SEQEVAL[strict]} if strict else {}
        # zero_division=0: a score with nothing to divide is 0, as ours
        # are, and seqeval warns about none of them
        report = classification_report(gold, predicted, output_dict=True,
                                       zero_division=0, **mode)
        scores = {kind: (row["precision"], row["recall"], row["f1-score"])
                  for kind, row in report.items()}
        overall = scores.pop("micro avg")  # all entities pooled
        del scores["macro avg"], scores["weighted avg"]
        return overall, scores
    # --8<-- [end:seqeval]

    # --8<-- [start:imperfect]
    import random

    from snippets.ner.data import CORPUS, read_conll

    def mistakes(tags, rng, kinds):
        """A tagger's kinds of mistakes, made on the gold entities: each is
        missed (10 %), given another type (10 %), made one token shorter
        or longer (10 %) or kept; then 10 % of the predicted entities are
        marked to start with the wrong one of B- and I-. Returns them as
        (type, start, end, wrong_start), in no scheme yet."""
        found, predicted = spans(tags), []
        for n, (kind, start, end) in enumerate(found):
            roll = rng.random()
            if roll < 0.1:
                continue
            if roll < 0.2:
                kind = rng.choice([k for k in kinds if k != kind])
            elif roll < 0.3:
                free = found[n + 1][1] if n + 1 < len(found) else len(tags)
                end = end - 1 if end - start > 1 else min(end + 1, free)
            predicted.append((kind, start, end, rng.random() < 0.1))
        return predicted

    def write(predicted, length, scheme):
        """The predicted entities as tags in ``scheme``, B- and I- swapped
        on the first tag of the marked ones (in IOBES only an entity of
        several tokens starts with B-; an S- stays)."""
        tags = from_spans([entity[:3] for entity in predicted], length,
                          scheme)
        for _, start, _, wrong_start in predicted:
            prefix, rest = tags[start][0], tags[start][1:]
            if wrong_start and prefix in "BI":
                tags[start] = {"B": "I", "I": "B"}[prefix] + rest
        return tags

    test = read_conll(CORPUS / "test.txt")
    kinds = sorted({kind for s in test for kind, _, _ in spans(s.tags)})
    rng = random.Random(0)
    mistaken = [mistakes(s.tags, rng, kinds) for s in test]  # one set
    # --8<-- [end:imperfect]

    # --8<-- [start:compare]
    def row(name, ours, theirs):
        return (f"{name:5}" + "".join(f"{x:7.3f}" for x in ours) + "  |"
                + "".join(f"{x:7.3f}" for x in theirs))

    print(f"{'ours: P, R, F1':>40}  | seqeval: P, R, F1")
    largest = 0.0
    for scheme in ("iob1", "bio2", "iobes"):
        true_tags = [convert(s.tags, scheme) for s in test]
        guesses = [write(entities, len(s.tags), scheme)
                   for entities, s in zip(mistaken, test, strict=True)]
        for strict in (None, scheme):
            ours = type_scores(true_tags, guesses, strict)
            ours_all = entity_scores(true_tags, guesses, strict)
            theirs_all, theirs = seqeval_scores(true_tags, guesses, strict)
            pairs = [(ours_all, theirs_all)]
            pairs += [(ours[k], theirs[k]) for k in ours.keys() | theirs]
            for a, b in pairs:
                diffs = [abs(x - y) for x, y in zip(a, b, strict=True)]
                largest = max(largest, *diffs)
            mode = "strict" if strict else "default"
            print(f"{scheme:5} {mode:7} " + row("all", ours_all, theirs_all))
            if scheme == "bio2":
                for kind in ours:
                    print(" " * 14 + row(kind, ours[kind], theirs[kind]))
    print(f"largest difference: {largest:.1e}")
    # --8<-- [end:compare]

    # --8<-- [start:guessed]
    sample = [s.tags for s in read_conll(CORPUS / "sample.txt")]  # IOB1
    for scheme in (None, IOB2, IOB1):  # None: seqeval guesses the scheme
        report = classification_report(sample, sample, mode="strict",
                                       scheme=scheme, output_dict=True,
                                       zero_division=0)
        name = scheme.__name__ if scheme else "guessed"
        print(f"{name:7} {report['micro avg']['support']} true entities")
    true, _ = entity_sets(sample, sample, strict="iob1")
    print(f"ours    {len(true)} true entities with strict='iob1'")
    # --8<-- [end:guessed]
