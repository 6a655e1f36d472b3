from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AlertRule")


@_attrs_define
class AlertRule:
    """
    Attributes:
        id (int):
        owner (str):
        name (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        is_global (bool | Unset):
        is_active (bool | Unset):
        model_version (int | None | Unset): Only analyses of this model version (null: any).
        labels (list[str] | Unset): Labels to watch; empty: the analysis' watched labels (a fine-tuned model's few
            labels by default).
        enter_threshold (float | Unset):
        exit_threshold (float | None | Unset):
        min_duration_sec (float | Unset):
        merge_gap_sec (float | Unset):
        source_tag (str | Unset): Only videos with this source tag (blank: any).
        notify_email (bool | Unset): Also e-mail the video's owner.
        camera_offline_min (int | None | Unset): Set: a camera rule that fires when a camera it matches (source tag,
            model version) has not been live for this many minutes; labels are not used.
    """

    id: int
    owner: str
    name: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    is_global: bool | Unset = UNSET
    is_active: bool | Unset = UNSET
    model_version: int | None | Unset = UNSET
    labels: list[str] | Unset = UNSET
    enter_threshold: float | Unset = UNSET
    exit_threshold: float | None | Unset = UNSET
    min_duration_sec: float | Unset = UNSET
    merge_gap_sec: float | Unset = UNSET
    source_tag: str | Unset = UNSET
    notify_email: bool | Unset = UNSET
    camera_offline_min: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        owner = self.owner

        name = self.name

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        is_global = self.is_global

        is_active = self.is_active

        model_version: int | None | Unset
        if isinstance(self.model_version, Unset):
            model_version = UNSET
        else:
            model_version = self.model_version

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        enter_threshold = self.enter_threshold

        exit_threshold: float | None | Unset
        if isinstance(self.exit_threshold, Unset):
            exit_threshold = UNSET
        else:
            exit_threshold = self.exit_threshold

        min_duration_sec = self.min_duration_sec

        merge_gap_sec = self.merge_gap_sec

        source_tag = self.source_tag

        notify_email = self.notify_email

        camera_offline_min: int | None | Unset
        if isinstance(self.camera_offline_min, Unset):
            camera_offline_min = UNSET
        else:
            camera_offline_min = self.camera_offline_min

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "owner": owner,
                "name": name,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if is_global is not UNSET:
            field_dict["is_global"] = is_global
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if labels is not UNSET:
            field_dict["labels"] = labels
        if enter_threshold is not UNSET:
            field_dict["enter_threshold"] = enter_threshold
        if exit_threshold is not UNSET:
            field_dict["exit_threshold"] = exit_threshold
        if min_duration_sec is not UNSET:
            field_dict["min_duration_sec"] = min_duration_sec
        if merge_gap_sec is not UNSET:
            field_dict["merge_gap_sec"] = merge_gap_sec
        if source_tag is not UNSET:
            field_dict["source_tag"] = source_tag
        if notify_email is not UNSET:
            field_dict["notify_email"] = notify_email
        if camera_offline_min is not UNSET:
            field_dict["camera_offline_min"] = camera_offline_min

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        owner = d.pop("owner")

        name = d.pop("name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        is_global = d.pop("is_global", UNSET)

        is_active = d.pop("is_active", UNSET)

        def _parse_model_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        model_version = _parse_model_version(d.pop("model_version", UNSET))

        labels = cast(list[str], d.pop("labels", UNSET))

        enter_threshold = d.pop("enter_threshold", UNSET)

        def _parse_exit_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        exit_threshold = _parse_exit_threshold(d.pop("exit_threshold", UNSET))

        min_duration_sec = d.pop("min_duration_sec", UNSET)

        merge_gap_sec = d.pop("merge_gap_sec", UNSET)

        source_tag = d.pop("source_tag", UNSET)

        notify_email = d.pop("notify_email", UNSET)

        def _parse_camera_offline_min(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        camera_offline_min = _parse_camera_offline_min(d.pop("camera_offline_min", UNSET))

        alert_rule = cls(
            id=id,
            owner=owner,
            name=name,
            created_at=created_at,
            updated_at=updated_at,
            is_global=is_global,
            is_active=is_active,
            model_version=model_version,
            labels=labels,
            enter_threshold=enter_threshold,
            exit_threshold=exit_threshold,
            min_duration_sec=min_duration_sec,
            merge_gap_sec=merge_gap_sec,
            source_tag=source_tag,
            notify_email=notify_email,
            camera_offline_min=camera_offline_min,
        )

        alert_rule.additional_properties = d
        return alert_rule

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
