"""Prepare a CoNLL file for a subword model: the command-line tool.

    python -m snippets.ner.preprocess INPUT [--max-length N] [--stride S]
        [--tokenizer PATH] [--scheme iob1|bio2|iobes|bilou]
        [--encoding NAME] [--drop-docstart]

Reads INPUT (``-`` for stdin), keeps the token and NER columns, converts
the tags to the requested scheme (by default, only the pieces of a cut
sentence are written again, in the file's scheme), splits sentences longer
than N subwords (or cuts them into overlapping windows) and writes
``token TAG`` lines, a blank line between sentences, and the -DOCSTART-
lines. Bad input: exit status 2, nothing on stdout, one line on stderr
naming file and line.
The code of docs/ner/preprocess.md.
"""

# --8<-- [start:cli]
import argparse
import sys

from snippets.ner.data import ConllError, decode, parse_conll
from snippets.ner.schemes import SCHEMES, convert, guess_scheme
from snippets.ner.subwords import (
    TOKENIZER,
    WordError,
    load_tokenizer,
    piece_tags,
    split_long,
    windows,
)


def preprocess(data: bytes, name: str, tokenizer, max_length: int,
               scheme: str | None, encoding: str = "utf-8",
               stride: int | None = None, docstart: bool = True) -> str:
    """The whole output as one string, or a ConllError: nothing half done."""
    text = decode(data, name, encoding)
    sentences = parse_conll(text, name)
    if not sentences:
        last = len(text.removesuffix("\n").split("\n"))  # as the reader counts
        raise ConllError(f"{name}:{last}: no sentences (expected token lines)")
    # The scheme that the pieces of a cut sentence are written in: the one
    # asked for, or else the file's, guessed once from all its tags (an O
    # between sentences), so that every cut sentence gets the same one.
    pieces_scheme = scheme or guess_scheme(
        [tag for sentence in sentences for tag in ["O", *sentence.tags]])
    out = []
    for sentence in sentences:
        if docstart and sentence.starts_document:
            out += ["-DOCSTART- O\n", "\n"]
        tags = convert(sentence.tags, scheme) if scheme else sentence.tags
        try:
            if stride:
                pieces = windows(sentence.tokens, tokenizer, max_length,
                                 stride, tags)
            else:
                pieces = split_long(sentence.tokens, tokenizer, max_length,
                                    tags)
        except WordError as err:
            line = sentence.lines[err.index]
            raise ConllError(f"{name}:{line}: {err}") from None
        parts = piece_tags(tags, pieces, pieces_scheme)
        for (start, end), part in zip(pieces, parts, strict=True):
            rows = zip(sentence.tokens[start:end], part, strict=True)
            out += [f"{token} {tag}\n" for token, tag in rows] + ["\n"]
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snippets.ner.preprocess",
        description="Prepare a CoNLL file for a subword model.",
    )
    parser.add_argument("input", metavar="INPUT",
                        help="a CoNLL file, or - for stdin")
    parser.add_argument("--max-length", type=int, default=128, metavar="N",
                        help="most subwords per sentence, [CLS] and [SEP] "
                        "included (default: 128)")
    parser.add_argument("--stride", type=int, metavar="S",
                        help="write overlapping windows instead of pieces, "
                        "each repeating up to S subwords of the one before")
    parser.add_argument("--tokenizer", default=TOKENIZER, metavar="PATH",
                        help="tokenizer.json or vocab.txt (default: ours)")
    parser.add_argument("--scheme", choices=SCHEMES,
                        help="tagging scheme to write (default: as read)")
    parser.add_argument("--encoding", default="utf-8", metavar="NAME",
                        help="of INPUT, e.g. latin-1 (default: utf-8)")
    parser.add_argument("--drop-docstart", action="store_true",
                        help="leave out the -DOCSTART- lines")
    args = parser.parse_args(argv)  # exits with status 2 on a usage error
    if args.max_length < 3:
        parser.error("--max-length must be at least 3")
    try:  # LookupError: a name Python does not know, or not of a text codec
        "".encode(args.encoding)  # (b"".decode would accept any name)
    except LookupError as err:
        parser.error(f"--encoding {args.encoding}: {err}")
    try:
        tokenizer = load_tokenizer(args.tokenizer)
    except Exception as err:  # the tokenizers library raises plain Exception
        parser.error(f"--tokenizer {args.tokenizer}: {err}")
    specials = tokenizer.num_special_tokens_to_add(is_pair=False)
    room = args.max_length - specials  # subwords of words in a window
    if args.stride is not None and not 0 < args.stride < room:
        parser.error(f"--stride must be at least 1 and below {room} "
                     f"(--max-length {args.max_length} less the tokenizer's "
                     f"{specials} special tokens)")
    try:
        if args.input == "-":
            name, data = "<stdin>", sys.stdin.buffer.read()
        else:
            name = args.input
            with open(name, "rb") as file:
                data = file.read()
        output = preprocess(data, name, tokenizer, args.max_length,
                            args.scheme, args.encoding, args.stride,
                            not args.drop_docstart)
    except (ConllError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(output)
    return 0
# --8<-- [end:cli]


def examples() -> None:  # what docs/ner/preprocess.md runs
    # --8<-- [start:run]
    import subprocess
    import sys

    def run(*args, stdin=None):
        command = [sys.executable, "-m", "snippets.ner.preprocess", *args]
        done = subprocess.run(command, input=stdin, capture_output=True,
                              timeout=60)
        return done.returncode, done.stdout.decode(), done.stderr.decode()

    code, out, err = run("snippets/ner/corpus/sample.txt", "--scheme", "iobes")
    print(out, end="")
    print("exit status", code, "stderr", repr(err))
    # --8<-- [end:run]

    # --8<-- [start:run_split]
    sentence = (b"Lena B-PER\nOkafor I-PER\nmet O\nQuentin B-PER\n"
                b"Wolfe I-PER\nin O\nRiga B-LOC\n. O\n")
    for max_length in ("10", "9"):
        code, out, err = run("-", "--max-length", max_length, stdin=sentence)
        print(out.strip().replace("\n\n", " | ").replace("\n", ", "))
    # --8<-- [end:run_split]

    # --8<-- [start:run_german]
    german = "snippets/ner/corpus/german-latin1.txt"
    bert = ["--tokenizer", "snippets/ner/corpus/vocab-uncased.txt",
            "--scheme", "bio2", "--max-length", "24"]
    code, out, err = run(german, "--encoding", "latin-1", *bert)
    print(out, end="")
    print("exit status", code, "stderr", repr(err))
    # --8<-- [end:run_german]

    # --8<-- [start:run_bom]
    with open(german, encoding="latin-1") as file:
        text = file.read()
    with_bom = "\ufeff".encode() + text.encode("utf-8")
    print(with_bom[:14])
    code, again, err = run("-", *bert, stdin=with_bom)
    latin1, utf8 = out.splitlines(), again.splitlines()
    differ = sum(a != b for a, b in zip(latin1, utf8, strict=True))
    print(code, repr(err), f"{differ} of {len(latin1)} lines differ")
    # --8<-- [end:run_bom]

    # --8<-- [start:run_errors]
    bad_inputs = {
        "columns": b"Oslo NNP I-LOC\nis VBZ\n",
        "tag": b"Oslo NNP X-LOC\n",
        "long word": b"Oslo I-LOC\nMississippiriver I-PER\n",
        "bytes": b"Oslo I-LOC\nM\xe4lm\xf6 I-LOC\n",
        "line end": b"Oslo I-LOC\rMalmo I-LOC\r",
        "empty": b"-DOCSTART- -X- -X- O\n\n-DOCSTART- -X- -X- O\n",
    }
    for what, data in bad_inputs.items():
        code, out, err = run("-", "--max-length", "12", stdin=data)
        print(f"{what:9}", code, repr(out), err, end="")
    for option in (["--encoding", "latin-2x"], ["--stride", "10"]):
        code, out, err = run("-", "--max-length", "12", *option)
        print(code, repr(out), err.splitlines()[-1])
    # --8<-- [end:run_errors]


if __name__ == "__main__":
    status = main()
    if status:
        sys.exit(status)
