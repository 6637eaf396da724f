"""Debian's Chromium for headless checks: where it is, and the flags it runs with.

Shared by the browser tests (tests/test_browser.py) and the TensorBoard screenshots
(tooling/tensorboard_screenshots.py).
"""

import os
import shutil

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium tries to reach Google's services on start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Tabs the browser tests drive at the same time all count as in the foreground: a background
    # tab's timers are throttled, and axe-core (test_browser.py) works in timer-sized steps.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
