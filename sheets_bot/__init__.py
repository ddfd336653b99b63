"""sheets-bot: an inventory reorder bot for a stock list that lives in a spreadsheet."""

__version__ = "0.1.0"
