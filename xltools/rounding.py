"""Display rounding as the bureau publishes: half away from zero on the decimal value."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

NULL_DISPLAY = "—"
WITHHELD_DISPLAY = "…"


def round_half_up(value: float, decimals: int) -> Decimal:
    """6.085 -> 6.09, -4.05 -> -4.1, and 6.084999999999999 (a binary artefact of 6.085) -> 6.09.

    The value is first taken to 9 decimal places, far beyond any published digit, which
    removes the binary noise of float arithmetic; then it is rounded half away from zero.
    """
    with localcontext() as ctx:
        ctx.prec = 400  # any finite double, to 9 decimals (1e308 has 309 digits)
        d = Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
        return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def display(value: float | None, decimals: int) -> str:
    if value is None:
        return NULL_DISPLAY
    d = round_half_up(value, decimals)
    if d == 0:
        d = abs(d)  # never "-0.0"
    return f"{d:.{decimals}f}"


def rounded(value: float | None, decimals: int) -> float | None:
    """The published figure as a number (for writers that need one)."""
    return None if value is None else float(round_half_up(value, decimals)) + 0.0  # never -0.0
