"""What the claim tests of the performance pages share."""

from tooling.pages import ROOT
from tooling.perf_results import MARKER


def claims_shown(md):
    """The claim ids that the results markers of ``md`` ("docs/...md") show in their sections.

    A ``perf-verdicts`` overview only repeats them, so it does not count.
    """
    text = (ROOT / md).read_text(encoding="utf-8")
    markers = [m for line in text.splitlines() if (m := MARKER.match(line)) and m["kind"] != "verdicts"]
    return {i for m in markers for i in m["ids"].split()} - {"*"}


def build(page, cid):
    """The Pair of the page's claim ``cid``, built at the tiny sizes of ``--fast``."""
    return next(c for c in page.CLAIMS if c.id == cid).build(True)
