"""The Google Sheet world of the end-to-end tests, for the forward -> apply loop."""

from tests.e2e.test_google_loop import world

__all__ = ["world"]
