from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_run_start_request_settings import TrainingRunStartRequestSettings


T = TypeVar("T", bound="TrainingRunStartRequest")


@_attrs_define
class TrainingRunStartRequest:
    """
    Attributes:
        dataset (int):
        base_version (int):
        settings (TrainingRunStartRequestSettings | Unset): FinetuneConfig fields: epochs, batch_size, lr, momentum,
            weight_decay, dropout, train_blocks, optimizer, backbone_lr_mult, balanced, freeze_bn, patience, segments, size,
            seed, positive_label, target_precision, corner_crop, scale_jitter, color_jitter, flip. Missing: defaults.
        device (str | Unset): cpu, cuda, cuda:N or auto (default: VIGIL_TRAINING_DEVICE)
    """

    dataset: int
    base_version: int
    settings: TrainingRunStartRequestSettings | Unset = UNSET
    device: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        base_version = self.base_version

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()

        device = self.device

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dataset": dataset,
                "base_version": base_version,
            }
        )
        if settings is not UNSET:
            field_dict["settings"] = settings
        if device is not UNSET:
            field_dict["device"] = device

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("dataset", (None, str(self.dataset).encode(), "text/plain")))

        files.append(("base_version", (None, str(self.base_version).encode(), "text/plain")))

        if not isinstance(self.settings, Unset):
            files.append(("settings", (None, json.dumps(self.settings.to_dict()).encode(), "application/json")))

        if not isinstance(self.device, Unset):
            files.append(("device", (None, str(self.device).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.training_run_start_request_settings import TrainingRunStartRequestSettings  # noqa: PLC0415

        d = dict(src_dict)
        dataset = d.pop("dataset")

        base_version = d.pop("base_version")

        _settings = d.pop("settings", UNSET)
        settings: TrainingRunStartRequestSettings | Unset
        if isinstance(_settings, Unset):
            settings = UNSET
        else:
            settings = TrainingRunStartRequestSettings.from_dict(_settings)

        device = d.pop("device", UNSET)

        training_run_start_request = cls(
            dataset=dataset,
            base_version=base_version,
            settings=settings,
            device=device,
        )

        training_run_start_request.additional_properties = d
        return training_run_start_request

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
