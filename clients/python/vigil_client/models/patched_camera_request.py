from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.patched_camera_request_label_thresholds import PatchedCameraRequestLabelThresholds
    from ..models.patched_camera_request_schedule_item import PatchedCameraRequestScheduleItem


T = TypeVar("T", bound="PatchedCameraRequest")


@_attrs_define
class PatchedCameraRequest:
    """
    Attributes:
        name (str | Unset):
        url (str | Unset): Stream URL (write only; stored encrypted).
        model_version (int | Unset):
        watched_labels (list[str] | Unset):
        threshold (float | Unset):
        label_thresholds (PatchedCameraRequestLabelThresholds | Unset):
        schedule (list[PatchedCameraRequestScheduleItem] | Unset): Empty: always; else [{"days": [0..6], "start":
            "HH:MM", "end": "HH:MM"}].
        source_tag (str | Unset): Alert rules with this source tag match it.
        retention_days (int | Unset): Incident clips and stills are deleted after this many days.
        enabled (bool | Unset):
    """

    name: str | Unset = UNSET
    url: str | Unset = UNSET
    model_version: int | Unset = UNSET
    watched_labels: list[str] | Unset = UNSET
    threshold: float | Unset = UNSET
    label_thresholds: PatchedCameraRequestLabelThresholds | Unset = UNSET
    schedule: list[PatchedCameraRequestScheduleItem] | Unset = UNSET
    source_tag: str | Unset = UNSET
    retention_days: int | Unset = UNSET
    enabled: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        url = self.url

        model_version = self.model_version

        watched_labels: list[str] | Unset = UNSET
        if not isinstance(self.watched_labels, Unset):
            watched_labels = self.watched_labels

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
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if url is not UNSET:
            field_dict["url"] = url
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if watched_labels is not UNSET:
            field_dict["watched_labels"] = watched_labels
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

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))

        if not isinstance(self.url, Unset):
            files.append(("url", (None, str(self.url).encode(), "text/plain")))

        if not isinstance(self.model_version, Unset):
            files.append(("model_version", (None, str(self.model_version).encode(), "text/plain")))

        if not isinstance(self.watched_labels, Unset):
            for watched_labels_item_element in self.watched_labels:
                files.append(("watched_labels", (None, str(watched_labels_item_element).encode(), "text/plain")))

        if not isinstance(self.threshold, Unset):
            files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))

        if not isinstance(self.label_thresholds, Unset):
            files.append(
                ("label_thresholds", (None, json.dumps(self.label_thresholds.to_dict()).encode(), "application/json"))
            )

        if not isinstance(self.schedule, Unset):
            for schedule_item_element in self.schedule:
                files.append(
                    ("schedule", (None, json.dumps(schedule_item_element.to_dict()).encode(), "application/json"))
                )

        if not isinstance(self.source_tag, Unset):
            files.append(("source_tag", (None, str(self.source_tag).encode(), "text/plain")))

        if not isinstance(self.retention_days, Unset):
            files.append(("retention_days", (None, str(self.retention_days).encode(), "text/plain")))

        if not isinstance(self.enabled, Unset):
            files.append(("enabled", (None, str(self.enabled).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patched_camera_request_label_thresholds import PatchedCameraRequestLabelThresholds  # noqa: PLC0415
        from ..models.patched_camera_request_schedule_item import PatchedCameraRequestScheduleItem  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        url = d.pop("url", UNSET)

        model_version = d.pop("model_version", UNSET)

        watched_labels = cast(list[str], d.pop("watched_labels", UNSET))

        threshold = d.pop("threshold", UNSET)

        _label_thresholds = d.pop("label_thresholds", UNSET)
        label_thresholds: PatchedCameraRequestLabelThresholds | Unset
        if isinstance(_label_thresholds, Unset):
            label_thresholds = UNSET
        else:
            label_thresholds = PatchedCameraRequestLabelThresholds.from_dict(_label_thresholds)

        _schedule = d.pop("schedule", UNSET)
        schedule: list[PatchedCameraRequestScheduleItem] | Unset = UNSET
        if _schedule is not UNSET:
            schedule = []
            for schedule_item_data in _schedule:
                schedule_item = PatchedCameraRequestScheduleItem.from_dict(schedule_item_data)

                schedule.append(schedule_item)

        source_tag = d.pop("source_tag", UNSET)

        retention_days = d.pop("retention_days", UNSET)

        enabled = d.pop("enabled", UNSET)

        patched_camera_request = cls(
            name=name,
            url=url,
            model_version=model_version,
            watched_labels=watched_labels,
            threshold=threshold,
            label_thresholds=label_thresholds,
            schedule=schedule,
            source_tag=source_tag,
            retention_days=retention_days,
            enabled=enabled,
        )

        patched_camera_request.additional_properties = d
        return patched_camera_request

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
