"""Fixtures every test package may use."""

import os

# As the template sets it for every function, before the handlers' logger is made.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "sheets-bot")

from tests.browser import browser, page

__all__ = ["browser", "page"]
