from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SegmentChange")


@_attrs_define
class SegmentChange:
    """
    Attributes:
        index (int):
        start_sec (float):
        end_sec (float):
        label_a (str):
        score_a (float):
        label_b (str):
        score_b (float):
        changed (bool):
    """

    index: int
    start_sec: float
    end_sec: float
    label_a: str
    score_a: float
    label_b: str
    score_b: float
    changed: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        start_sec = self.start_sec

        end_sec = self.end_sec

        label_a = self.label_a

        score_a = self.score_a

        label_b = self.label_b

        score_b = self.score_b

        changed = self.changed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "start_sec": start_sec,
                "end_sec": end_sec,
                "label_a": label_a,
                "score_a": score_a,
                "label_b": label_b,
                "score_b": score_b,
                "changed": changed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        index = d.pop("index")

        start_sec = d.pop("start_sec")

        end_sec = d.pop("end_sec")

        label_a = d.pop("label_a")

        score_a = d.pop("score_a")

        label_b = d.pop("label_b")

        score_b = d.pop("score_b")

        changed = d.pop("changed")

        segment_change = cls(
            index=index,
            start_sec=start_sec,
            end_sec=end_sec,
            label_a=label_a,
            score_a=score_a,
            label_b=label_b,
            score_b=score_b,
            changed=changed,
        )

        segment_change.additional_properties = d
        return segment_change

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
