from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RescoreResult")


@_attrs_define
class RescoreResult:
    """
    Attributes:
        analyses (list[UUID]): The new analyses, in the order asked.
    """

    analyses: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        analyses = []
        for analyses_item_data in self.analyses:
            analyses_item = str(analyses_item_data)
            analyses.append(analyses_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "analyses": analyses,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        analyses = []
        _analyses = d.pop("analyses")
        for analyses_item_data in _analyses:
            analyses_item = UUID(analyses_item_data)

            analyses.append(analyses_item)

        rescore_result = cls(
            analyses=analyses,
        )

        rescore_result.additional_properties = d
        return rescore_result

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
