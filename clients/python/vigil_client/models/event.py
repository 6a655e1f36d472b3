from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        label (str):
        start_sec (float):
        end_sec (float):
        peak_score (float):
        mean_score (float):
        peak_sec (float):
    """

    label: str
    start_sec: float
    end_sec: float
    peak_score: float
    mean_score: float
    peak_sec: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        start_sec = self.start_sec

        end_sec = self.end_sec

        peak_score = self.peak_score

        mean_score = self.mean_score

        peak_sec = self.peak_sec

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "label": label,
                "start_sec": start_sec,
                "end_sec": end_sec,
                "peak_score": peak_score,
                "mean_score": mean_score,
                "peak_sec": peak_sec,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label")

        start_sec = d.pop("start_sec")

        end_sec = d.pop("end_sec")

        peak_score = d.pop("peak_score")

        mean_score = d.pop("mean_score")

        peak_sec = d.pop("peak_sec")

        event = cls(
            label=label,
            start_sec=start_sec,
            end_sec=end_sec,
            peak_score=peak_score,
            mean_score=mean_score,
            peak_sec=peak_sec,
        )

        event.additional_properties = d
        return event

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
