"""Video classifiers by name: ``build("r2plus1d_18", weights="default")``.

Importing this package registers every model: torchvision's and Hara's 3D ResNets, TSN
(``tsn_<backbone>`` RGB, ``tsn_<backbone>.flow``, ``tsn_<backbone>.rgbdiff``), CNN+RNN
(``crnn_<backbone>_lstm|gru``) and I3D (``i3d``, ``i3d.flow``); backbones are
``efficientnet_lite0`` (real ImageNet weights offline), ``resnet18`` and ``resnet50``.
"""
from __future__ import annotations

from inference.models import (  # noqa: F401  (they register models)
    crnn,
    detectors,
    i3d,
    resnet3d,
    torchvision_video,
    tsn,
)
from inference.models.detectors import DETECTOR_NAMES
from inference.models.registry import (
    LoadedModel,
    ModelEntry,
    build,
    get,
    list_models,
    recommended_threshold,
    register,
    stream_of,
    trained_input_spec,
    weights_available,
    weights_status,
)
from inference.models.weights_spec import WeightsKind, WeightsSpec

__all__ = [
    "DETECTOR_NAMES",
    "LoadedModel",
    "ModelEntry",
    "WeightsKind",
    "WeightsSpec",
    "build",
    "get",
    "list_models",
    "recommended_threshold",
    "register",
    "stream_of",
    "trained_input_spec",
    "weights_available",
    "weights_status",
]
