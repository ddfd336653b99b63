"""The owner's Google Sheet through gspread: ``sheet.GoogleSheet`` implements the ``Sheet``
port, and ``sheet.open_google_sheet`` builds one from a spreadsheet id and credentials (see
``credentials``).

The modules each do one job: ``ranges`` (A1 quoting), ``spreadsheet_id`` (ids in URLs),
``cells`` (plain values), ``tabs`` (ids and grid sizes), ``writes`` (a batch as one request),
``prepare`` and ``formatting`` (``init``), ``api``, ``client``, ``retry`` and ``errors``.
This package imports nothing heavy itself, so local mode never loads gspread.
"""
