from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.target_kind_enum import TargetKindEnum

T = TypeVar("T", bound="Target")


@_attrs_define
class Target:
    """
    Attributes:
        kind (TargetKindEnum): * `segment` - segment
            * `event` - event
        id (int):
        index (int | None):
        label (str): What the model said.
        start_sec (float):
        end_sec (float):
    """

    kind: TargetKindEnum
    id: int
    index: int | None
    label: str
    start_sec: float
    end_sec: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        id = self.id

        index: int | None
        index = self.index

        label = self.label

        start_sec = self.start_sec

        end_sec = self.end_sec

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "id": id,
                "index": index,
                "label": label,
                "start_sec": start_sec,
                "end_sec": end_sec,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = TargetKindEnum(d.pop("kind"))

        id = d.pop("id")

        def _parse_index(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        index = _parse_index(d.pop("index"))

        label = d.pop("label")

        start_sec = d.pop("start_sec")

        end_sec = d.pop("end_sec")

        target = cls(
            kind=kind,
            id=id,
            index=index,
            label=label,
            start_sec=start_sec,
            end_sec=end_sec,
        )

        target.additional_properties = d
        return target

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
