"""Vigil inference core: probe, decode, sample, classify, detect events, render.

Django-free: every function takes paths, arrays and dataclasses.
"""
from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
