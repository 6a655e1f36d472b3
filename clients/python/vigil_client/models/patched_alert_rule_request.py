from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedAlertRuleRequest")


@_attrs_define
class PatchedAlertRuleRequest:
    """
    Attributes:
        name (str | Unset):
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

    name: str | Unset = UNSET
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
        name = self.name

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
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
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

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))

        if not isinstance(self.is_global, Unset):
            files.append(("is_global", (None, str(self.is_global).encode(), "text/plain")))

        if not isinstance(self.is_active, Unset):
            files.append(("is_active", (None, str(self.is_active).encode(), "text/plain")))

        if not isinstance(self.model_version, Unset):
            if isinstance(self.model_version, int):
                files.append(("model_version", (None, str(self.model_version).encode(), "text/plain")))
            else:
                files.append(("model_version", (None, str(self.model_version).encode(), "text/plain")))

        if not isinstance(self.labels, Unset):
            for labels_item_element in self.labels:
                files.append(("labels", (None, str(labels_item_element).encode(), "text/plain")))

        if not isinstance(self.enter_threshold, Unset):
            files.append(("enter_threshold", (None, str(self.enter_threshold).encode(), "text/plain")))

        if not isinstance(self.exit_threshold, Unset):
            if isinstance(self.exit_threshold, float):
                files.append(("exit_threshold", (None, str(self.exit_threshold).encode(), "text/plain")))
            else:
                files.append(("exit_threshold", (None, str(self.exit_threshold).encode(), "text/plain")))

        if not isinstance(self.min_duration_sec, Unset):
            files.append(("min_duration_sec", (None, str(self.min_duration_sec).encode(), "text/plain")))

        if not isinstance(self.merge_gap_sec, Unset):
            files.append(("merge_gap_sec", (None, str(self.merge_gap_sec).encode(), "text/plain")))

        if not isinstance(self.source_tag, Unset):
            files.append(("source_tag", (None, str(self.source_tag).encode(), "text/plain")))

        if not isinstance(self.notify_email, Unset):
            files.append(("notify_email", (None, str(self.notify_email).encode(), "text/plain")))

        if not isinstance(self.camera_offline_min, Unset):
            if isinstance(self.camera_offline_min, int):
                files.append(("camera_offline_min", (None, str(self.camera_offline_min).encode(), "text/plain")))
            else:
                files.append(("camera_offline_min", (None, str(self.camera_offline_min).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

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

        patched_alert_rule_request = cls(
            name=name,
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

        patched_alert_rule_request.additional_properties = d
        return patched_alert_rule_request

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
