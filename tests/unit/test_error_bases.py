"""One error base per layer: every exception the package defines derives from its layer's
base, and the ones callers (and pydantic validators) catch as ``ValueError`` still are."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import sheets_bot
from sheets_bot.domain.addresses import AddressProblem
from sheets_bot.domain.errors import DomainError, InputError
from sheets_bot.domain.ordering_days import OrderingDaysError
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.errors import AdapterError, BotError, MailRejected
from sheets_bot.intake.errors import IntakeError
from sheets_bot.services.receiving import LineProblem
from sheets_bot.services.stock_history import UnreadableHistory
from sheets_bot.web.pos_payloads import PayloadError

LAYER_BASES: dict[str, tuple[type[BaseException], ...]] = {
    "sheets_bot.domain.": (DomainError,),
    "sheets_bot.intake.": (IntakeError,),
    "sheets_bot.adapters.": (AdapterError,),
    "sheets_bot.services.": (BotError,),
    "sheets_bot.web.": (DomainError, BotError),
}
"""By module prefix; anything else (``errors.py``, ``config.py``, ...) derives from one of
the two roots, ``DomainError`` or ``BotError``."""


def _defined_errors() -> list[tuple[str, type[BaseException]]]:
    found = []
    for module in pkgutil.walk_packages(sheets_bot.__path__, "sheets_bot."):
        if module.name.startswith("sheets_bot.testing"):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.name
            ):
                found.append((module.name, value))
    return found


def test_every_error_the_package_defines_has_its_layers_base() -> None:
    errors = _defined_errors()
    assert len(errors) > 30
    strays = []
    for module, error in errors:
        bases = next(
            (bases for prefix, bases in LAYER_BASES.items() if module.startswith(prefix)),
            (DomainError, BotError),
        )
        if not issubclass(error, bases):
            strays.append(f"{module}.{error.__name__}")
    assert strays == []


@pytest.mark.parametrize(
    "error",
    [
        NotANumber,
        AddressProblem,
        OrderingDaysError,
        IntakeError,
        PayloadError,
        LineProblem,
        UnreadableHistory,
    ],
)
def test_the_input_errors_are_still_value_errors(error: type[Exception]) -> None:
    assert issubclass(error, ValueError)


def test_a_caller_catching_value_error_still_catches_a_bad_number() -> None:
    with pytest.raises(ValueError, match="12 dozen") as raised:
        parse_number("12 dozen")
    assert isinstance(raised.value, InputError)


def test_the_mail_systems_refusal_is_an_adapter_error_the_user_reads_in_one_line() -> None:
    assert issubclass(MailRejected, AdapterError)
    assert issubclass(AdapterError, BotError)
    assert not issubclass(MailRejected, ValueError)
