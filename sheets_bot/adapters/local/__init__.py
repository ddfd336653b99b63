"""Local-mode adapters: an .xlsx workbook, SQLite, folders for blobs and outgoing mail."""
