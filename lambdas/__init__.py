"""The AWS Lambda entry points, one module per function. Each handler parses its event, takes
the container's adapters from ``sheets_bot.adapters.aws.wiring``, calls one service from
``sheets_bot.services`` and logs a one-line summary. No logic lives here."""
