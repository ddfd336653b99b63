"""Fixtures every test package may use."""

from tests.browser import browser, page

__all__ = ["browser", "page"]
