from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.action_enum import ActionEnum

T = TypeVar("T", bound="AlertBulkRequest")


@_attrs_define
class AlertBulkRequest:
    """
    Attributes:
        action (ActionEnum): * `acknowledge` - Acknowledge
            * `false_alarm` - False alarm
        ids (list[int]): Alert ids; ids of alerts you do not see are ignored.
    """

    action: ActionEnum
    ids: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        ids = self.ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "ids": ids,
            }
        )

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("action", (None, str(self.action.value).encode(), "text/plain")))

        for ids_item_element in self.ids:
            files.append(("ids", (None, str(ids_item_element).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = ActionEnum(d.pop("action"))

        ids = cast(list[int], d.pop("ids"))

        alert_bulk_request = cls(
            action=action,
            ids=ids,
        )

        alert_bulk_request.additional_properties = d
        return alert_bulk_request

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
