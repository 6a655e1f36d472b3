from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.camera_label_thresholds import CameraLabelThresholds
    from ..models.camera_schedule_item import CameraScheduleItem
    from ..models.camera_status import CameraStatus


T = TypeVar("T", bound="Camera")


@_attrs_define
class Camera:
    """
    Attributes:
        id (int):
        name (str):
        owner (str):
        url_masked (str): The URL with its password masked.
        model_version (int):
        model_version_name (str):
        watched_labels (list[str]):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        status (CameraStatus): What the camera worker holding the lease last wrote (status and the ops view).
        page_url (str):
        preview_url (str):
        threshold (float | Unset):
        label_thresholds (CameraLabelThresholds | Unset):
        schedule (list[CameraScheduleItem] | Unset): Empty: always; else [{"days": [0..6], "start": "HH:MM", "end":
            "HH:MM"}].
        source_tag (str | Unset): Alert rules with this source tag match it.
        retention_days (int | Unset): Incident clips and stills are deleted after this many days.
        enabled (bool | Unset):
    """

    id: int
    name: str
    owner: str
    url_masked: str
    model_version: int
    model_version_name: str
    watched_labels: list[str]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    status: CameraStatus
    page_url: str
    preview_url: str
    threshold: float | Unset = UNSET
    label_thresholds: CameraLabelThresholds | Unset = UNSET
    schedule: list[CameraScheduleItem] | Unset = UNSET
    source_tag: str | Unset = UNSET
    retention_days: int | Unset = UNSET
    enabled: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        owner = self.owner

        url_masked = self.url_masked

        model_version = self.model_version

        model_version_name = self.model_version_name

        watched_labels = self.watched_labels

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        status = self.status.to_dict()

        page_url = self.page_url

        preview_url = self.preview_url

        threshold = self.threshold

        label_thresholds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.label_thresholds, Unset):
            label_thresholds = self.label_thresholds.to_dict()

        schedule: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = []
            for schedule_item_data in self.schedule:
                schedule_item = schedule_item_data.to_dict()
                schedule.append(schedule_item)

        source_tag = self.source_tag

        retention_days = self.retention_days

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "owner": owner,
                "url_masked": url_masked,
                "model_version": model_version,
                "model_version_name": model_version_name,
                "watched_labels": watched_labels,
                "created_at": created_at,
                "updated_at": updated_at,
                "status": status,
                "page_url": page_url,
                "preview_url": preview_url,
            }
        )
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if label_thresholds is not UNSET:
            field_dict["label_thresholds"] = label_thresholds
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if source_tag is not UNSET:
            field_dict["source_tag"] = source_tag
        if retention_days is not UNSET:
            field_dict["retention_days"] = retention_days
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.camera_label_thresholds import CameraLabelThresholds  # noqa: PLC0415
        from ..models.camera_schedule_item import CameraScheduleItem  # noqa: PLC0415
        from ..models.camera_status import CameraStatus  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        owner = d.pop("owner")

        url_masked = d.pop("url_masked")

        model_version = d.pop("model_version")

        model_version_name = d.pop("model_version_name")

        watched_labels = cast(list[str], d.pop("watched_labels"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        status = CameraStatus.from_dict(d.pop("status"))

        page_url = d.pop("page_url")

        preview_url = d.pop("preview_url")

        threshold = d.pop("threshold", UNSET)

        _label_thresholds = d.pop("label_thresholds", UNSET)
        label_thresholds: CameraLabelThresholds | Unset
        if isinstance(_label_thresholds, Unset):
            label_thresholds = UNSET
        else:
            label_thresholds = CameraLabelThresholds.from_dict(_label_thresholds)

        _schedule = d.pop("schedule", UNSET)
        schedule: list[CameraScheduleItem] | Unset = UNSET
        if _schedule is not UNSET:
            schedule = []
            for schedule_item_data in _schedule:
                schedule_item = CameraScheduleItem.from_dict(schedule_item_data)

                schedule.append(schedule_item)

        source_tag = d.pop("source_tag", UNSET)

        retention_days = d.pop("retention_days", UNSET)

        enabled = d.pop("enabled", UNSET)

        camera = cls(
            id=id,
            name=name,
            owner=owner,
            url_masked=url_masked,
            model_version=model_version,
            model_version_name=model_version_name,
            watched_labels=watched_labels,
            created_at=created_at,
            updated_at=updated_at,
            status=status,
            page_url=page_url,
            preview_url=preview_url,
            threshold=threshold,
            label_thresholds=label_thresholds,
            schedule=schedule,
            source_tag=source_tag,
            retention_days=retention_days,
            enabled=enabled,
        )

        camera.additional_properties = d
        return camera

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
