from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.label_counts import LabelCounts
    from ..models.stats_totals import StatsTotals


T = TypeVar("T", bound="Stats")


@_attrs_define
class Stats:
    """
    Attributes:
        labels (list[LabelCounts]):
        totals (StatsTotals): Clips per split.
        total (int):
        largest (str): Label with the most clips.
        smallest (str): Label with the fewest clips.
        imbalance (float | None): Largest / smallest class (clips).
        leaking_groups (list[str]): Source groups found in more than one split (re-split to fix).
    """

    labels: list[LabelCounts]
    totals: StatsTotals
    total: int
    largest: str
    smallest: str
    imbalance: float | None
    leaking_groups: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        labels = []
        for labels_item_data in self.labels:
            labels_item = labels_item_data.to_dict()
            labels.append(labels_item)

        totals = self.totals.to_dict()

        total = self.total

        largest = self.largest

        smallest = self.smallest

        imbalance: float | None
        imbalance = self.imbalance

        leaking_groups = self.leaking_groups

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "labels": labels,
                "totals": totals,
                "total": total,
                "largest": largest,
                "smallest": smallest,
                "imbalance": imbalance,
                "leaking_groups": leaking_groups,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.label_counts import LabelCounts  # noqa: PLC0415
        from ..models.stats_totals import StatsTotals  # noqa: PLC0415

        d = dict(src_dict)
        labels = []
        _labels = d.pop("labels")
        for labels_item_data in _labels:
            labels_item = LabelCounts.from_dict(labels_item_data)

            labels.append(labels_item)

        totals = StatsTotals.from_dict(d.pop("totals"))

        total = d.pop("total")

        largest = d.pop("largest")

        smallest = d.pop("smallest")

        def _parse_imbalance(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        imbalance = _parse_imbalance(d.pop("imbalance"))

        leaking_groups = cast(list[str], d.pop("leaking_groups"))

        stats = cls(
            labels=labels,
            totals=totals,
            total=total,
            largest=largest,
            smallest=smallest,
            imbalance=imbalance,
            leaking_groups=leaking_groups,
        )

        stats.additional_properties = d
        return stats

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
