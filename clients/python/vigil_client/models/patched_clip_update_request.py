from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.split_enum import SplitEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedClipUpdateRequest")


@_attrs_define
class PatchedClipUpdateRequest:
    """
    Attributes:
        label (str | Unset):
        split (SplitEnum | Unset): * `` - grouped
            * `train` - Train
            * `val` - Validation
            * `test` - Test
    """

    label: str | Unset = UNSET
    split: SplitEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        split: str | Unset = UNSET
        if not isinstance(self.split, Unset):
            split = self.split.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if label is not UNSET:
            field_dict["label"] = label
        if split is not UNSET:
            field_dict["split"] = split

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        if not isinstance(self.label, Unset):
            files.append(("label", (None, str(self.label).encode(), "text/plain")))

        if not isinstance(self.split, Unset):
            files.append(("split", (None, str(self.split.value).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label", UNSET)

        _split = d.pop("split", UNSET)
        split: SplitEnum | Unset
        if isinstance(_split, Unset):
            split = UNSET
        else:
            split = SplitEnum(_split)

        patched_clip_update_request = cls(
            label=label,
            split=split,
        )

        patched_clip_update_request.additional_properties = d
        return patched_clip_update_request

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
