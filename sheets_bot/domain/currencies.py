"""Currencies as ISO 4217 codes, and how the owner's emails show an amount in one.

The Settings tab's ``Currency`` is a three-letter code (GBP, EUR, USD): a word such as
"pounds" is ambiguous on a PO (which pound?) and is refused with a located problem. Documents
for suppliers keep the code (``482.00 GBP``); the owner's digest and summary show the symbol
where one is unambiguous (``£482.00``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR
    ZMW ZWG
"""
ISO_4217: frozenset[str] = frozenset(_CODES.split())
"""Active ISO 4217 currency codes (list one, funds and precious metals left out)."""

SYMBOLS: dict[str, str] = {
    "GBP": "£",
    "EUR": "€",
    "USD": "$",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "NGN": "₦",
    "PHP": "₱",
    "VND": "₫",
    "UAH": "₴",
    "TRY": "₺",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "MXN": "MX$",
    "BRL": "R$",
    "CNY": "CN¥",
}
"""Symbols shown before an amount; other codes are shown after it (``1,200.00 SEK``)."""

_WORDS = {
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "£": "GBP",
    "euro": "EUR",
    "euros": "EUR",
    "€": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "$": "USD",
    "yen": "JPY",
    "rupee": "INR",
    "rupees": "INR",
}
_CENT = Decimal("0.01")


def parse_currency(text: str) -> str:
    """``gbp`` -> ``GBP``; ``ValueError`` saying what to type for anything else."""
    code = text.strip().upper()
    if code in ISO_4217:
        return code
    guess = _WORDS.get(text.strip().lower())
    hint = f" ({guess} for {text.strip()!r}?)" if guess else ""
    raise ValueError(f"is not a 3-letter ISO 4217 currency code like GBP, EUR or USD{hint}")


def money_for_owner(value: Decimal | None, currency: str) -> str:
    """``£1,234.50`` (symbol before) or ``1,234.50 SEK``; ``-`` without a value."""
    if value is None:
        return "-"
    amount = f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    symbol = SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{amount} {currency}"
    if amount.startswith("-"):
        return f"-{symbol}{amount[1:]}"
    return f"{symbol}{amount}"
