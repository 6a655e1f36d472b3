"""``{{ value|score }}``: a probability printed so that small ones never read as "0.00"
(``inference.results.format_score``: 0.91, 0.004, <0.001)."""
from __future__ import annotations

from django import template

from inference.results import format_score

register = template.Library()


@register.filter
def score(value: object) -> str:
    """``0.9134`` -> ``0.91``, ``0.0042`` -> ``0.004``, ``0.0002`` -> ``<0.001``, 0 -> ``0``."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return format_score(number)
