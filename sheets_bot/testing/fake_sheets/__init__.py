"""The parts of the in-memory Google Sheets v4 fake; import the public API from
``sheets_bot.testing.fake_sheets_api``."""
