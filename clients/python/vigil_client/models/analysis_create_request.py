from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.flow_method_enum import FlowMethodEnum
from ..models.modalities_enum import ModalitiesEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.analysis_create_request_fusion_weights import AnalysisCreateRequestFusionWeights


T = TypeVar("T", bound="AnalysisCreateRequest")


@_attrs_define
class AnalysisCreateRequest:
    """
    Attributes:
        video (UUID):
        model_version (int | None | Unset): Model version id; the default version when left out.
        segment_sec (float | Unset):
        stride_sec (float | Unset):
        labels (list[str] | Unset): Labels to watch (repeat the field, or comma-separate them).
        threshold (float | Unset):
        device (str | Unset): cpu, cuda[:N] or auto (CUDA when the worker has it); cuda only where GPU workers exist
        modalities (list[ModalitiesEnum] | Unset): Streams to fuse, e.g. ["rgb", "flow"]; the model's own when left out.
        fusion_weights (AnalysisCreateRequestFusionWeights | Unset): Late-fusion weight per stream, e.g. {"rgb": 1,
            "flow": 1.5}.
        flow_method (FlowMethodEnum | Unset): * `dis` - dis
            * `dis_ultrafast` - dis_ultrafast
            * `dis_fast` - dis_fast
            * `dis_medium` - dis_medium
            * `farneback` - farneback
            * `tvl1` - tvl1
            * `raft` - raft
    """

    video: UUID
    model_version: int | None | Unset = UNSET
    segment_sec: float | Unset = UNSET
    stride_sec: float | Unset = UNSET
    labels: list[str] | Unset = UNSET
    threshold: float | Unset = UNSET
    device: str | Unset = UNSET
    modalities: list[ModalitiesEnum] | Unset = UNSET
    fusion_weights: AnalysisCreateRequestFusionWeights | Unset = UNSET
    flow_method: FlowMethodEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        video = str(self.video)

        model_version: int | None | Unset
        if isinstance(self.model_version, Unset):
            model_version = UNSET
        else:
            model_version = self.model_version

        segment_sec = self.segment_sec

        stride_sec = self.stride_sec

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        threshold = self.threshold

        device = self.device

        modalities: list[str] | Unset = UNSET
        if not isinstance(self.modalities, Unset):
            modalities = []
            for modalities_item_data in self.modalities:
                modalities_item = modalities_item_data.value
                modalities.append(modalities_item)

        fusion_weights: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fusion_weights, Unset):
            fusion_weights = self.fusion_weights.to_dict()

        flow_method: str | Unset = UNSET
        if not isinstance(self.flow_method, Unset):
            flow_method = self.flow_method.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "video": video,
            }
        )
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if segment_sec is not UNSET:
            field_dict["segment_sec"] = segment_sec
        if stride_sec is not UNSET:
            field_dict["stride_sec"] = stride_sec
        if labels is not UNSET:
            field_dict["labels"] = labels
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if device is not UNSET:
            field_dict["device"] = device
        if modalities is not UNSET:
            field_dict["modalities"] = modalities
        if fusion_weights is not UNSET:
            field_dict["fusion_weights"] = fusion_weights
        if flow_method is not UNSET:
            field_dict["flow_method"] = flow_method

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("video", (None, str(self.video), "text/plain")))

        if not isinstance(self.model_version, Unset):
            if isinstance(self.model_version, int):
                files.append(("model_version", (None, str(self.model_version).encode(), "text/plain")))
            else:
                files.append(("model_version", (None, str(self.model_version).encode(), "text/plain")))

        if not isinstance(self.segment_sec, Unset):
            files.append(("segment_sec", (None, str(self.segment_sec).encode(), "text/plain")))

        if not isinstance(self.stride_sec, Unset):
            files.append(("stride_sec", (None, str(self.stride_sec).encode(), "text/plain")))

        if not isinstance(self.labels, Unset):
            for labels_item_element in self.labels:
                files.append(("labels", (None, str(labels_item_element).encode(), "text/plain")))

        if not isinstance(self.threshold, Unset):
            files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))

        if not isinstance(self.device, Unset):
            files.append(("device", (None, str(self.device).encode(), "text/plain")))

        if not isinstance(self.modalities, Unset):
            for modalities_item_element in self.modalities:
                files.append(("modalities", (None, str(modalities_item_element.value).encode(), "text/plain")))

        if not isinstance(self.fusion_weights, Unset):
            files.append(
                ("fusion_weights", (None, json.dumps(self.fusion_weights.to_dict()).encode(), "application/json"))
            )

        if not isinstance(self.flow_method, Unset):
            files.append(("flow_method", (None, str(self.flow_method.value).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analysis_create_request_fusion_weights import AnalysisCreateRequestFusionWeights  # noqa: PLC0415

        d = dict(src_dict)
        video = UUID(d.pop("video"))

        def _parse_model_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        model_version = _parse_model_version(d.pop("model_version", UNSET))

        segment_sec = d.pop("segment_sec", UNSET)

        stride_sec = d.pop("stride_sec", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        threshold = d.pop("threshold", UNSET)

        device = d.pop("device", UNSET)

        _modalities = d.pop("modalities", UNSET)
        modalities: list[ModalitiesEnum] | Unset = UNSET
        if _modalities is not UNSET:
            modalities = []
            for modalities_item_data in _modalities:
                modalities_item = ModalitiesEnum(modalities_item_data)

                modalities.append(modalities_item)

        _fusion_weights = d.pop("fusion_weights", UNSET)
        fusion_weights: AnalysisCreateRequestFusionWeights | Unset
        if isinstance(_fusion_weights, Unset):
            fusion_weights = UNSET
        else:
            fusion_weights = AnalysisCreateRequestFusionWeights.from_dict(_fusion_weights)

        _flow_method = d.pop("flow_method", UNSET)
        flow_method: FlowMethodEnum | Unset
        if isinstance(_flow_method, Unset):
            flow_method = UNSET
        else:
            flow_method = FlowMethodEnum(_flow_method)

        analysis_create_request = cls(
            video=video,
            model_version=model_version,
            segment_sec=segment_sec,
            stride_sec=stride_sec,
            labels=labels,
            threshold=threshold,
            device=device,
            modalities=modalities,
            fusion_weights=fusion_weights,
            flow_method=flow_method,
        )

        analysis_create_request.additional_properties = d
        return analysis_create_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
