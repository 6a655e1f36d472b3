from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types

T = TypeVar("T", bound="RescoreRequest")


@_attrs_define
class RescoreRequest:
    """
    Attributes:
        version (int):
        analyses (list[UUID]):
    """

    version: int
    analyses: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        analyses = []
        for analyses_item_data in self.analyses:
            analyses_item = str(analyses_item_data)
            analyses.append(analyses_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "analyses": analyses,
            }
        )

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("version", (None, str(self.version).encode(), "text/plain")))

        for analyses_item_element in self.analyses:
            files.append(("analyses", (None, str(analyses_item_element), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        analyses = []
        _analyses = d.pop("analyses")
        for analyses_item_data in _analyses:
            analyses_item = UUID(analyses_item_data)

            analyses.append(analyses_item)

        rescore_request = cls(
            version=version,
            analyses=analyses,
        )

        rescore_request.additional_properties = d
        return rescore_request

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
