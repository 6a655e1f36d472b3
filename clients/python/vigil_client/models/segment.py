from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.segment_scores import SegmentScores


T = TypeVar("T", bound="Segment")


@_attrs_define
class Segment:
    """
    Attributes:
        index (int):
        start_sec (float):
        end_sec (float):
        top (list[list[Any]]): [[label, probability], ...], best first.
        scores (SegmentScores): Probabilities of the watched labels.
    """

    index: int
    start_sec: float
    end_sec: float
    top: list[list[Any]]
    scores: SegmentScores
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        start_sec = self.start_sec

        end_sec = self.end_sec

        top = []
        for top_item_data in self.top:
            top_item = top_item_data

            top.append(top_item)

        scores = self.scores.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "start_sec": start_sec,
                "end_sec": end_sec,
                "top": top,
                "scores": scores,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.segment_scores import SegmentScores  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        start_sec = d.pop("start_sec")

        end_sec = d.pop("end_sec")

        top = []
        _top = d.pop("top")
        for top_item_data in _top:
            top_item = cast(list[Any], top_item_data)

            top.append(top_item)

        scores = SegmentScores.from_dict(d.pop("scores"))

        segment = cls(
            index=index,
            start_sec=start_sec,
            end_sec=end_sec,
            top=top,
            scores=scores,
        )

        segment.additional_properties = d
        return segment

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
