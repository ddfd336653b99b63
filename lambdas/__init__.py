"""The AWS Lambda entry points, one module per function. A handler that writes the sheet is
its service call under ``runs.sheet_run`` (parse the event, hold the sheet's lease, log the
one-line summary), with the adapters of its lane from ``sheets_bot.adapters.aws.wiring``
(``daily_adapters``, ``poll_adapters``, ...); the public ones route a Function URL request to
their app. No logic lives here."""
