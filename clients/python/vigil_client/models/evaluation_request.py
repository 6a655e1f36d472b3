from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, Unset

T = TypeVar("T", bound="EvaluationRequest")


@_attrs_define
class EvaluationRequest:
    """
    Attributes:
        version (int):
        dataset (int):
        split (str | Unset):
        device (str | Unset):
    """

    version: int
    dataset: int
    split: str | Unset = UNSET
    device: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        dataset = self.dataset

        split = self.split

        device = self.device

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "dataset": dataset,
            }
        )
        if split is not UNSET:
            field_dict["split"] = split
        if device is not UNSET:
            field_dict["device"] = device

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("version", (None, str(self.version).encode(), "text/plain")))

        files.append(("dataset", (None, str(self.dataset).encode(), "text/plain")))

        if not isinstance(self.split, Unset):
            files.append(("split", (None, str(self.split).encode(), "text/plain")))

        if not isinstance(self.device, Unset):
            files.append(("device", (None, str(self.device).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        dataset = d.pop("dataset")

        split = d.pop("split", UNSET)

        device = d.pop("device", UNSET)

        evaluation_request = cls(
            version=version,
            dataset=dataset,
            split=split,
            device=device,
        )

        evaluation_request.additional_properties = d
        return evaluation_request

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
