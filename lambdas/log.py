"""The functions' one Powertools logger. Its service name is the template's
``POWERTOOLS_SERVICE_NAME`` (every function sets it), so no handler writes it. Kept apart from
``runs`` so the two public functions log without importing the sheet's wiring."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger()
