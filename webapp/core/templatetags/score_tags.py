"""``{{ value|score }}``: a probability printed so that small ones never read as "0.00".

The same rule as ``formatScore`` in ``static/vigil/results.js`` (the chart's tooltip and the
segments table): two decimals from 0.01, three below, ``<0.001`` under that.
"""
from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def score(value: object) -> str:
    """``0.9134`` -> ``0.91``, ``0.0042`` -> ``0.004``, ``0.0002`` -> ``<0.001``, 0 -> ``0``."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if number <= 0:
        return "0"
    if number >= 0.01:
        return f"{number:.2f}"
    if number >= 0.001:
        return f"{number:.3f}"
    return "<0.001"
