"""The pictures pages draw with their own code: the PNG committed under docs/ must be the one
the page's code draws in this run (imported by page tests, so it runs in the page's run)."""

import numpy as np


def same_picture(drawn, shown, module: str, tolerance: float = 0.02) -> None:
    """Same size, and less than ``tolerance`` of the pixels differ (by more than 0.02 in a
    channel). ``module`` is the snippet module whose run in an empty folder redraws ``shown``."""
    from matplotlib.image import imread

    a, b = imread(drawn), imread(shown)
    stale = (
        f"{shown.name} is stale: run `python -m {module}` in an empty folder and copy its "
        f"{shown.name} into {shown.parent}"
    )
    assert a.shape == b.shape, stale
    differing = (np.abs(a - b).max(axis=-1) > 0.02).mean()
    assert differing < tolerance, f"{stale} ({differing:.2%} of the pixels differ)"
