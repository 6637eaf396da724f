"""CoNLL-2003 files: reading them, and generating this site's corpus.

The code of docs/ner/data.md. Importing it defines the reader and the generator and
prints nothing; ``python -m snippets.ner.data`` prints the page's examples.
"""

# --8<-- [start:read]
import codecs
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# The shipped files, found through the package wherever it is installed.
CORPUS = Path(str(resources.files("snippets.ner"))) / "corpus"
# A type is letters, digits and _, with single hyphens inside it: PER,
# WORK_OF_ART (OntoNotes), creative-work (WNUT-17).
TAG = re.compile(r"O|[BIESLU]-\w+(?:-\w+)*")
# Columns are separated by spaces and tabs only: str.split() would also
# split at a no-break space or a control character inside a token.
BLANKS = re.compile("[ \t]+")
# UTF-8's byte-order mark (ef bb bf) where a line starts: a file, or a
# part of one that was appended with `cat a.txt b.txt`.
UTF8_BOM = re.compile(b"(?:^|\n)" + re.escape(codecs.BOM_UTF8))


class ConllError(ValueError):
    """Input that is not a valid CoNLL file: the message names file and line."""


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]  # the NER column
    lines: list[int]  # line number of each token in the file, for messages
    starts_document: bool = False  # a -DOCSTART- line came before it


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """The text, or a ConllError naming the line and the first bad byte."""
    bom = UTF8_BOM.search(data)
    if bom and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        line = data.count(b"\n", 0, bom.end()) + 1
        raise ConllError(
            f"{name}:{line}: the line starts with bytes ef bb bf, UTF-8's "
            f"byte-order mark; expected {encoding} text (read it as utf-8)"
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise ConllError(
            f"{name}:{line}: byte 0x{data[err.start]:02x} (byte {column} "
            f"of the line) is not valid {encoding}"
        ) from None


def parse_conll(text: str, name: str = "<string>") -> list[Sentence]:
    """Sentences of a CoNLL file: first column token, last column NER tag."""
    sentences, current, width, document = [], None, 0, False
    # Lines end at \n or \r\n only; str.splitlines() would also cut at
    # U+0085, U+2028 and others, which can occur inside a word.
    for number, line in enumerate(text.split("\n"), start=1):
        # a byte-order mark starts a file, or a file appended to another
        line = line.removeprefix("\ufeff").removesuffix("\r")
        if "\r" in line:  # an old Mac line end would hide a whole file
            raise ConllError(
                f"{name}:{number}: a carriage return (\\r) not followed by "
                "\\n; lines must end with \\n or \\r\\n"
            )
        columns = [field for field in BLANKS.split(line) if field]
        if not columns or columns[0] == "-DOCSTART-":
            current = None  # a blank line or a document start ends a sentence
            document = document or bool(columns)
            continue
        if current is None:
            current, width = Sentence([], [], [], document), len(columns)
            sentences.append(current)
            document = False
        if len(columns) != width:
            count = f"{len(columns)} column" + "s" * (len(columns) > 1)
            raise ConllError(
                f"{name}:{number}: {count}, expected {width} as on line "
                f"{current.lines[0]}, the first of its sentence"
            )
        if width < 2:
            raise ConllError(
                f"{name}:{number}: 1 column, expected 2 or more (a token "
                "and its tag)"
            )
        if not TAG.fullmatch(columns[-1]):
            raise ConllError(
                f"{name}:{number}: tag {columns[-1]!r} is not O or "
                "B-/I-/E-/S-/L-/U- plus a type (letters, digits, _ and "
                "inner hyphens)"
            )
        current.tokens.append(columns[0])
        current.tags.append(columns[-1])
        current.lines.append(number)
    return sentences


def read_conll(path: Path, encoding: str = "utf-8") -> list[Sentence]:
    data = Path(path).read_bytes()
    return parse_conll(decode(data, str(path), encoding), str(path))
# --8<-- [end:read]


# --8<-- [start:names]
import random

NAMES = {
    "first": "Anna Ben Carla David Elena Farid Greta Hugo Ines Jonas Kemal "
    "Lena Marco Nadia Oscar Priya Quentin Rosa Samir Tanja Umar Vera Walter "
    "Ximena Yusuf Zoe Bruno Clara Dmitri Emma Felix Hana Igor Julia Karim",
    "last": "Keller Novak Okafor Lindqvist Moreau Tanaka Rossi Schmidt Haddad "
    "Kowalski Fischer Duarte Petrov Nilsen Brennan Castillo Weber Yilmaz "
    "Suzuki Andersen Dubois Horvat Mensah Ferreira Larsen Popescu Bauer "
    "Romero Jansen Kaplan Sato Murphy Varga Eriksen Lindgren",
    "org": "Altona Brightwell Corvex Dunmore Elbrus Fenwick Granite Halcyon "
    "Ironbridge Juniper Kestrel Lumen Meridian Northgate Orion Pinnacle "
    "Quarry Redwood Sterling Tidewater Umbra Vantage Westbrook Yardley Zenith",
    "loc": "Oslo Lima Cairo Hanoi Quito Dublin Lisbon Nairobi Osaka Perth "
    "Porto Riga Seville Tunis Zagreb Bergen Bogota Dakar Geneva Krakow Lagos "
    "Malmo Manila Nantes Seoul Tbilisi Toronto Valencia Vienna Accra "
    "New_Delhi Buenos_Aires Sao_Paulo Sri_Lanka Hong_Kong Cape_Town",
    "misc": "German French Brazilian Japanese Nigerian Swedish Polish Turkish "
    "Chilean Korean Danish Greek Kenyan Peruvian Czech Irish Dutch Egyptian "
    "Finnish Italian Mexican Spanish Thai Welsh",
}
ORG_SUFFIXES = ["Corp", "Bank", "Group", "Airlines", "Motors", "Holdings"]
SPLIT_SHARES = {"train": 0.6, "dev": 0.2, "test": 0.2}


SYLLABLES = ["ka", "lo", "ven", "mar", "ti", "sa", "ber", "do", "ri", "nu",
             "sel", "ga", "mo", "lin", "ta", "ro", "vi", "den", "ha", "zu",
             "pel", "kor", "an", "bri", "est", "ol"]


def invented(rng: random.Random, count: int, taken: set) -> list[str]:
    """New names from random syllables, so that no name repeats often."""
    names = []
    while len(names) < count:
        name = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3)))
        if name.title() not in taken:
            taken.add(name.title())
            names.append(name.title())
    return names


def name_pools(seed: int = 0) -> dict[str, dict[str, list[str]]]:
    """Disjoint name lists per split: test names never occur in training."""
    rng = random.Random(seed)
    pools = {split: {} for split in SPLIT_SHARES}
    taken = set(" ".join(NAMES.values()).split())
    for kind, words in NAMES.items():
        words = [w.replace("_", " ") for w in words.split()]
        words += invented(rng, 100, taken)
        rng.shuffle(words)
        start = 0
        for split, share in SPLIT_SHARES.items():
            end = start + round(share * len(words))
            pools[split][kind] = words[start:end]
            start = end
    return pools
# --8<-- [end:names]


# --8<-- [start:templates]
TEMPLATES = [
    "{PER} said on {DAY} that {ORG} would cut jobs in {LOC} .",
    "{ORG} shares rose {NUM} percent in {LOC} on {DAY} .",
    "{PER} , a {MISC} official , arrived in {LOC} .",
    "The {MISC} team beat {ORG} {NUM} - {NUM} in {LOC} .",
    "{LOC} police arrested {PER} on {DAY} .",
    "{PER} joined {ORG} as chief executive .",
    "Talks between {ORG} and {ORG} ended in {LOC} without a deal .",
    "{PER} told reporters in {LOC} that talks with {PER} went well .",
    "Officials in {LOC} said {MISC} exports fell .",
    "{ORG} opened a new office in {LOC} .",
    "Flights from {LOC} to {LOC} were cancelled on {DAY} .",
    "The {MISC} government rejected the offer from {ORG} .",
    "{PER} scored twice as {ORG} beat {ORG} .",
    "Shares of {ORG} fell after {PER} resigned .",
    "It was the first visit by a {MISC} minister to {LOC} .",
    "{PER} will meet {PER} in {LOC} next week .",
    "Prices in {LOC} rose {NUM} percent , {ORG} said .",
    "The report was published by {ORG} .",
    "Sources close to {PER} declined to comment .",
    "{LOC} {DATE}",
    "{MISC} voters went to the polls on {DAY} .",
    "A spokesman for {PER} said the {MISC} bid had failed .",
]
# Held out: only the "test-new" split uses these, so none of its sentences
# follows a template that training has seen.
NEW_TEMPLATES = [
    "{ORG} agreed to buy {ORG} for {NUM} billion dollars .",
    "{PER} , who leads {ORG} , denied the report .",
    "Thousands marched through {LOC} to support {PER} .",
    "According to {ORG} , unemployment in {LOC} reached {NUM} percent .",
    "{MISC} farmers protested outside the headquarters of {ORG} .",
    "Rain delayed the match between {LOC} and {LOC} .",
    "In {LOC} , {PER} won the {MISC} title .",
    "The prize went to {PER} .",
]
POS = {
    ".": ".", ",": ",", "-": ":", "the": "DT", "The": "DT", "a": "DT",
    "A": "DT", "in": "IN", "on": "IN", "from": "IN", "to": "TO", "by": "IN",
    "of": "IN", "as": "IN", "after": "IN", "between": "IN", "for": "IN",
    "with": "IN", "without": "IN", "that": "IN", "It": "PRP", "and": "CC",
    "said": "VBD", "rose": "VBD", "arrived": "VBD", "beat": "VBD",
    "arrested": "VBD", "joined": "VBD", "ended": "VBD", "told": "VBD",
    "went": "VBD", "fell": "VBD", "opened": "VBD", "were": "VBD",
    "cancelled": "VBN", "rejected": "VBD", "scored": "VBD", "resigned": "VBD",
    "was": "VBD", "published": "VBN", "declined": "VBD", "had": "VBD",
    "failed": "VBN", "comment": "VB", "cut": "VB", "meet": "VB",
    "would": "MD", "will": "MD", "first": "JJ", "new": "JJ", "next": "JJ",
    "chief": "JJ", "close": "RB", "well": "RB", "twice": "RB",
    "agreed": "VBD", "buy": "VB", "who": "WP", "leads": "VBZ",
    "denied": "VBD", "through": "IN", "support": "VB", "According": "VBG",
    "reached": "VBD", "protested": "VBD", "outside": "IN", "In": "IN",
    "delayed": "VBD", "won": "VBD", "marched": "VBD", "billion": "CD",
    "dollars": "NNS", "Thousands": "NNS", "farmers": "NNS",
}
CHUNK = {"DT": "NP", "NN": "NP", "NNS": "NP", "NNP": "NP", "JJ": "NP",
         "CD": "NP", "PRP": "NP", "IN": "PP", "TO": "PP", "VBD": "VP",
         "VBN": "VP", "VB": "VP", "MD": "VP", "RB": "ADVP", "WP": "NP",
         "VBZ": "VP", "VBG": "PP"}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
# --8<-- [end:templates]


# --8<-- [start:generate]
def fill(template: str, pool: dict, rng: random.Random) -> list[tuple]:
    """One sentence as (token, POS, chunk, NER) rows: NER in IOB1, as in
    the original files, but chunk tags in IOB2 (B- on every phrase)."""
    words, kinds = [], []
    for slot in template.split():
        if slot in ("{PER}", "{ORG}", "{LOC}", "{MISC}"):
            kind = slot[1:-1]
            if kind == "PER":
                first = rng.choice(pool["first"]) + " "
                name = (first if rng.random() < 0.6 else "")
                name += rng.choice(pool["last"])
            elif kind == "ORG":
                name = rng.choice(pool["org"])
                if rng.random() < 0.5:
                    name += " " + rng.choice(ORG_SUFFIXES)
            else:
                name = rng.choice(pool[kind.lower()])
            new = name.split()
        elif slot == "{DAY}":
            kind, new = None, [rng.choice(DAYS)]
        elif slot == "{NUM}":
            kind, new = None, [str(rng.randint(1, 9))]
        elif slot == "{DATE}":
            kind, new = None, [f"1996-{rng.randint(1, 12):02}-"
                               f"{rng.randint(1, 28):02}"]
        else:
            kind, new = None, [slot]
        words += new
        kinds += [kind] * len(new)
    rows, previous = [], None
    for word, kind in zip(words, kinds, strict=True):
        pos = "NNP" if kind or word in DAYS else POS.get(word, "NN")
        pos = "CD" if word[0].isdigit() else pos
        phrase = CHUNK.get(pos)  # punctuation and "and" are outside phrases
        chunk = "O" if phrase is None else (
            ("I-" if phrase == previous else "B-") + phrase)
        previous = phrase
        rows.append((word, pos, chunk, f"I-{kind}" if kind else "O"))
    return rows


def generate_split(split: str, sentences: int, seed: int = 0) -> str:
    """A whole split as CoNLL text, a -DOCSTART- line every 20 sentences."""
    names, templates = SOURCES.get(split, (split, TEMPLATES))
    pool = name_pools(seed)[names]
    rng = random.Random(f"{seed}-{split}")
    lines = []
    for index in range(sentences):
        if index % 20 == 0:
            lines += ["-DOCSTART- -X- -X- O", ""]
        rows = fill(rng.choice(templates), pool, rng)
        lines += [" ".join(row) for row in rows] + [""]
    return "\n".join(lines)


# Sentences per split. "test" has new names in the training templates;
# "test-new" has test names in the held-out templates.
SIZES = {"train": 1200, "dev": 200, "test": 300, "test-new": 200}
SOURCES = {"test-new": ("test", NEW_TEMPLATES)}  # names, templates


def write_corpus(folder: Path, seed: int = 0) -> None:
    for split, sentences in SIZES.items():
        text = generate_split(split, sentences, seed)
        (folder / f"{split}.txt").write_text(text, encoding="utf-8")
# --8<-- [end:generate]


if __name__ == "__main__":
    # --8<-- [start:sample]
    sample = read_conll(CORPUS / "sample.txt")
    for sentence in sample:
        print("lines", sentence.lines, "new document:",
              sentence.starts_document)
        print(list(zip(sentence.tokens, sentence.tags, strict=True)))
    # --8<-- [end:sample]

    # --8<-- [start:shapes]
    shapes = {
        "WNUT-17": "Inception\tB-creative-work\n",  # two columns, a tab
        "OntoNotes": "Hamlet NNP B-WORK_OF_ART\n",
        "German": "Schwierigkeiten Schwierigkeit NN I-NC O\n",  # lemma 2nd
        "no-break space": "New\u00a0York NNP I-LOC\r\n",  # and a CR LF
    }
    for name, text in shapes.items():
        sentence = parse_conll(text, name)[0]
        print(f"{name:15}", list(zip(sentence.tokens, sentence.tags, strict=True)))
    # --8<-- [end:shapes]

    # --8<-- [start:encodings]
    import codecs

    cp1252 = "Schluss\u2026 NN O\n".encode("cp1252")  # \u2026 is byte 0x85
    utf8 = "J\u00fcrgen NE I-PER\n".encode()  # \u00fc is 2 bytes in UTF-8
    with_bom = codecs.BOM_UTF8 + utf8  # bytes ef bb bf, then the text
    files = [  # (how the file was written, its bytes, how it is read)
        ("cp1252", cp1252, "cp1252"),
        ("cp1252", cp1252, "latin-1"),
        ("cp1252", cp1252, "utf-8"),
        ("UTF-8", utf8, "latin-1"),
        ("UTF-8+BOM", with_bom, "latin-1"),
    ]
    for written, data, encoding in files:
        try:
            tokens = parse_conll(decode(data, "x.txt", encoding))[0].tokens
            print(f"{written:9} read as {encoding:7}", tokens)
        except ConllError as err:
            print(f"{written:9} read as {encoding:7}", "ConllError:", err)
    # --8<-- [end:encodings]

    # --8<-- [start:corpus]
    from collections import Counter

    for split in SIZES:
        sentences = read_conll(CORPUS / f"{split}.txt")
        tokens = sum(len(s.tokens) for s in sentences)
        types = Counter(t[2:] for s in sentences for t in s.tags if t != "O")
        print(f"{split:8} {len(sentences):4} sentences {tokens:5} tokens",
              dict(sorted(types.items())))
    # --8<-- [end:corpus]

    # --8<-- [start:unseen]
    def entity_words(split: str) -> set[str]:
        sentences = read_conll(CORPUS / f"{split}.txt")
        return {tok for s in sentences
                for tok, tag in zip(s.tokens, s.tags, strict=True)
                if tag != "O" and tok not in ORG_SUFFIXES}

    test_words = entity_words("test")
    print(sorted(test_words)[:8])
    print("seen in train:", len(test_words & entity_words("train")))
    # --8<-- [end:unseen]
