"""Use cases: check, poll, init. They talk only to the Protocols in ``sheets_bot.ports``."""
