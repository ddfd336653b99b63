"""Forwarded spreadsheets (counts and supplier price lists) read into normalised rows.

Pure: bytes in, values out; no network and no clock. ``parse_attachment`` reads one file and
``match_rows`` ties its rows to Stock items.
"""
