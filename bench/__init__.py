"""The performance harness: `python -m bench` prints issue 11's table (see bench/__main__.py)."""
