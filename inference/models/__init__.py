"""Video classifiers by name: ``build("r2plus1d_18", weights="default")``.

Importing this package registers every model (torchvision's and Hara's 3D ResNets).
"""
from __future__ import annotations

from inference.models import resnet3d, torchvision_video  # noqa: F401  (they register models)
from inference.models.registry import LoadedModel, ModelEntry, build, get, list_models, register

__all__ = [
    "LoadedModel",
    "ModelEntry",
    "build",
    "get",
    "list_models",
    "register",
]
