"""Vigil training library (Django-free): datasets, augmentation, fine-tuning, metrics.

Planned in the "Datasets and fine-tuning" issue; the inference core's checkpoint format
(``inference.models.weights.save_checkpoint``) is what fine-tuned models will be saved in.
"""
from __future__ import annotations
