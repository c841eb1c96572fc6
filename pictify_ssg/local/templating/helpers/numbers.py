"""Number helpers: rounding, aggregates and en-US display formats (``1,234.5``, ``$9.99``, ``25%``).

Arguments may be numbers or numeric strings. A value that is not a number makes the helper return
``undefined`` (printed as nothing) rather than JavaScript's ``NaN``: an empty spot on a card is
better than the letters "NaN". Rounding is decimal, half away from zero (``round 2.5`` is 3,
``round 1.005 2`` is 1.01), so results do not suffer from binary floating-point surprises.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Final

from pictify_ssg.local.templating.values import UNDEFINED, is_list, to_int, to_number

from .registry import helper

__all__: list[str] = []

_MAX_DECIMALS: Final = 20  # Intl.NumberFormat's classic limit for fraction digits
_DEFAULT_MAX_DECIMALS: Final = 3  # Intl.NumberFormat's default for plain numbers
# Intl.NumberFormat("en-US", {style: "currency"}) symbols; other codes print as "CHF 5.00".
_CURRENCY_SYMBOLS: Final = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "CNY": "CN¥",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "MXN": "MX$",
    "BRL": "R$",
    "KRW": "₩",
    "ILS": "₪",
    "VND": "₫",
    "TWD": "NT$",
    "PHP": "₱",
}
_ZERO_DECIMAL_CURRENCIES: Final = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD"})


def _decimal(value: Any) -> Decimal | None:
    number = to_number(value)
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        return None
    # repr() gives the shortest decimal that round-trips: 0.1 stays 0.1, not 0.1000000000000000055.
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def _decimals(value: Any, fallback: int) -> int:
    count = to_int(value)
    return fallback if count is None else min(max(count, 0), _MAX_DECIMALS)


def _quantize(number: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    # Enough precision for the largest float or any int the template hands us.
    with localcontext() as ctx:
        ctx.prec = max(28, number.adjusted() + abs(places) + 10)
        return number.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _grouped(number: Decimal, decimals: int | None) -> str:
    """``1234.5`` -> ``1,234.5``: fixed ``decimals``, or up to three without trailing zeros."""
    places = _DEFAULT_MAX_DECIMALS if decimals is None else decimals
    rounded = _quantize(number, places)
    text = f"{abs(rounded):,f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    # Intl prints -0 as "-0"; a card showing "-0" is a bug report waiting to happen.
    return f"-{text}" if rounded < 0 else text


def _numbers(values: tuple[Any, ...]) -> list[Decimal]:
    # `sum items` and `sum a b c` both work: a single list argument supplies the numbers.
    items: Any = values[0] if len(values) == 1 and is_list(values[0]) else values
    found = (_decimal(item) for item in items)
    return [number for number in found if number is not None]


@helper("round")
def round_(value: Any, digits: Any = 0) -> Any:
    """Round to ``digits`` decimals (default 0; negative rounds to tens, hundreds, ...)."""
    number = _decimal(value)
    if number is None:
        return UNDEFINED
    places = to_int(digits) or 0
    places = min(max(places, -_MAX_DECIMALS), _MAX_DECIMALS)
    return _plain(_quantize(number, places))


@helper("floor")
def floor(value: Any) -> Any:
    """The largest whole number not above the value."""
    number = _decimal(value)
    return UNDEFINED if number is None else int(_quantize(number, 0, ROUND_FLOOR))


@helper("ceil")
def ceil(value: Any) -> Any:
    """The smallest whole number not below the value."""
    number = _decimal(value)
    return UNDEFINED if number is None else int(_quantize(number, 0, ROUND_CEILING))


@helper("abs")
def abs_(value: Any) -> Any:
    """The value without its sign."""
    number = _decimal(value)
    return UNDEFINED if number is None else _plain(abs(number))


@helper("min")
def min_(*values: Any) -> Any:
    """The smallest of the arguments (or of one list argument); non-numbers are ignored."""
    numbers = _numbers(values)
    return _plain(min(numbers)) if numbers else UNDEFINED


@helper("max")
def max_(*values: Any) -> Any:
    """The largest of the arguments (or of one list argument); non-numbers are ignored."""
    numbers = _numbers(values)
    return _plain(max(numbers)) if numbers else UNDEFINED


@helper("sum")
def sum_(*values: Any) -> Any:
    """The total of the arguments (or of one list argument); non-numbers are ignored; 0 if none."""
    return _plain(sum(_numbers(values), Decimal(0)))


@helper("average")
def average(*values: Any) -> Any:
    """The mean of the arguments (or of one list argument); non-numbers are ignored."""
    numbers = _numbers(values)
    if not numbers:
        return UNDEFINED
    with localcontext() as ctx:
        ctx.prec = 34
        mean = sum(numbers, Decimal(0)) / len(numbers)
    return _plain(Decimal(repr(float(mean))))


@helper("currency")
def currency(value: Any, code: Any = "USD", decimals: Any = None) -> Any:
    """Format as money, en-US style: ``currency 1234.5`` -> ``$1,234.50``, ``currency 5 "EUR"``
    -> ``€5.00``, ``currency 500 "JPY"`` -> ``¥500``; unknown codes print as ``CHF 5.00``."""
    number = _decimal(value)
    if number is None:
        return UNDEFINED
    unit = str(code).strip().upper() if isinstance(code, str) and code.strip() else "USD"
    places = _decimals(decimals, 0 if unit in _ZERO_DECIMAL_CURRENCIES else 2)
    amount = _grouped(number, places)
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    symbol = _CURRENCY_SYMBOLS.get(unit)
    if symbol is None:
        return f"{sign}{unit}\u00a0{digits}"  # Intl separates a code with a no-break space
    return f"{sign}{symbol}{digits}"


@helper("number")
def number(value: Any, decimals: Any = None) -> Any:
    """Format with thousands separators: ``1,234,567.891``; ``decimals`` fixes the decimals
    (default: up to 3, trailing zeros dropped)."""
    parsed = _decimal(value)
    if parsed is None:
        return UNDEFINED
    return _grouped(parsed, None if decimals is None else _decimals(decimals, 0))


@helper("percent")
def percent(value: Any, decimals: Any = 0) -> Any:
    """Format a ratio as a percentage: ``percent 0.256`` -> ``26%``; with 1 decimal ``25.6%``."""
    parsed = _decimal(value)
    if parsed is None:
        return UNDEFINED
    return _grouped(parsed * 100, _decimals(decimals, 0)) + "%"
