"""Site tooling: how pages are parsed, run and built. Not shown on any page."""
