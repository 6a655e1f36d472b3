from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stats import Stats


T = TypeVar("T", bound="DatasetDetail")


@_attrs_define
class DatasetDetail:
    """
    Attributes:
        id (int):
        name (str):
        clip_count (int):
        created_by (None | str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        page_url (str):
        export_url (str):
        stats (Stats):
        description (str | Unset):
        labels (list[str] | Unset):
    """

    id: int
    name: str
    clip_count: int
    created_by: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    page_url: str
    export_url: str
    stats: Stats
    description: str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        clip_count = self.clip_count

        created_by: None | str
        created_by = self.created_by

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        page_url = self.page_url

        export_url = self.export_url

        stats = self.stats.to_dict()

        description = self.description

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "clip_count": clip_count,
                "created_by": created_by,
                "created_at": created_at,
                "updated_at": updated_at,
                "page_url": page_url,
                "export_url": export_url,
                "stats": stats,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stats import Stats  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        clip_count = d.pop("clip_count")

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        page_url = d.pop("page_url")

        export_url = d.pop("export_url")

        stats = Stats.from_dict(d.pop("stats"))

        description = d.pop("description", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        dataset_detail = cls(
            id=id,
            name=name,
            clip_count=clip_count,
            created_by=created_by,
            created_at=created_at,
            updated_at=updated_at,
            page_url=page_url,
            export_url=export_url,
            stats=stats,
            description=description,
            labels=labels,
        )

        dataset_detail.additional_properties = d
        return dataset_detail

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
