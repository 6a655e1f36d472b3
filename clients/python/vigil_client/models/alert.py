from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Alert")


@_attrs_define
class Alert:
    """
    Attributes:
        id (int):
        rule (int | None):
        rule_name (str):
        analysis (None | UUID):
        video (UUID):
        video_name (str):
        camera_incident (int | None):
        camera (int | None): A live camera's alert (an incident, or offline).
        camera_name (None | str):
        label (str):
        start_sec (float):
        end_sec (float):
        peak_score (float):
        mean_score (float):
        peak_sec (float):
        created_at (datetime.datetime):
        acknowledged (bool):
        acknowledged_at (datetime.datetime | None):
        acknowledged_by (None | str):
        false_alarm (bool):
        false_alarm_at (datetime.datetime | None):
        false_alarm_by (None | str):
        page_url (str):
        clip_url (None | str):
        thumbnail_url (None | str):
    """

    id: int
    rule: int | None
    rule_name: str
    analysis: None | UUID
    video: UUID
    video_name: str
    camera_incident: int | None
    camera: int | None
    camera_name: None | str
    label: str
    start_sec: float
    end_sec: float
    peak_score: float
    mean_score: float
    peak_sec: float
    created_at: datetime.datetime
    acknowledged: bool
    acknowledged_at: datetime.datetime | None
    acknowledged_by: None | str
    false_alarm: bool
    false_alarm_at: datetime.datetime | None
    false_alarm_by: None | str
    page_url: str
    clip_url: None | str
    thumbnail_url: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        rule: int | None
        rule = self.rule

        rule_name = self.rule_name

        analysis: None | str
        if isinstance(self.analysis, UUID):
            analysis = str(self.analysis)
        else:
            analysis = self.analysis

        video = str(self.video)

        video_name = self.video_name

        camera_incident: int | None
        camera_incident = self.camera_incident

        camera: int | None
        camera = self.camera

        camera_name: None | str
        camera_name = self.camera_name

        label = self.label

        start_sec = self.start_sec

        end_sec = self.end_sec

        peak_score = self.peak_score

        mean_score = self.mean_score

        peak_sec = self.peak_sec

        created_at = self.created_at.isoformat()

        acknowledged = self.acknowledged

        acknowledged_at: None | str
        if isinstance(self.acknowledged_at, datetime.datetime):
            acknowledged_at = self.acknowledged_at.isoformat()
        else:
            acknowledged_at = self.acknowledged_at

        acknowledged_by: None | str
        acknowledged_by = self.acknowledged_by

        false_alarm = self.false_alarm

        false_alarm_at: None | str
        if isinstance(self.false_alarm_at, datetime.datetime):
            false_alarm_at = self.false_alarm_at.isoformat()
        else:
            false_alarm_at = self.false_alarm_at

        false_alarm_by: None | str
        false_alarm_by = self.false_alarm_by

        page_url = self.page_url

        clip_url: None | str
        clip_url = self.clip_url

        thumbnail_url: None | str
        thumbnail_url = self.thumbnail_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "rule": rule,
                "rule_name": rule_name,
                "analysis": analysis,
                "video": video,
                "video_name": video_name,
                "camera_incident": camera_incident,
                "camera": camera,
                "camera_name": camera_name,
                "label": label,
                "start_sec": start_sec,
                "end_sec": end_sec,
                "peak_score": peak_score,
                "mean_score": mean_score,
                "peak_sec": peak_sec,
                "created_at": created_at,
                "acknowledged": acknowledged,
                "acknowledged_at": acknowledged_at,
                "acknowledged_by": acknowledged_by,
                "false_alarm": false_alarm,
                "false_alarm_at": false_alarm_at,
                "false_alarm_by": false_alarm_by,
                "page_url": page_url,
                "clip_url": clip_url,
                "thumbnail_url": thumbnail_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_rule(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rule = _parse_rule(d.pop("rule"))

        rule_name = d.pop("rule_name")

        def _parse_analysis(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                analysis_type_0 = UUID(data)

                return analysis_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        analysis = _parse_analysis(d.pop("analysis"))

        video = UUID(d.pop("video"))

        video_name = d.pop("video_name")

        def _parse_camera_incident(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        camera_incident = _parse_camera_incident(d.pop("camera_incident"))

        def _parse_camera(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        camera = _parse_camera(d.pop("camera"))

        def _parse_camera_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        camera_name = _parse_camera_name(d.pop("camera_name"))

        label = d.pop("label")

        start_sec = d.pop("start_sec")

        end_sec = d.pop("end_sec")

        peak_score = d.pop("peak_score")

        mean_score = d.pop("mean_score")

        peak_sec = d.pop("peak_sec")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        acknowledged = d.pop("acknowledged")

        def _parse_acknowledged_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_at_type_0 = datetime.datetime.fromisoformat(data)

                return acknowledged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acknowledged_at = _parse_acknowledged_at(d.pop("acknowledged_at"))

        def _parse_acknowledged_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by"))

        false_alarm = d.pop("false_alarm")

        def _parse_false_alarm_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                false_alarm_at_type_0 = datetime.datetime.fromisoformat(data)

                return false_alarm_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        false_alarm_at = _parse_false_alarm_at(d.pop("false_alarm_at"))

        def _parse_false_alarm_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        false_alarm_by = _parse_false_alarm_by(d.pop("false_alarm_by"))

        page_url = d.pop("page_url")

        def _parse_clip_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        clip_url = _parse_clip_url(d.pop("clip_url"))

        def _parse_thumbnail_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url"))

        alert = cls(
            id=id,
            rule=rule,
            rule_name=rule_name,
            analysis=analysis,
            video=video,
            video_name=video_name,
            camera_incident=camera_incident,
            camera=camera,
            camera_name=camera_name,
            label=label,
            start_sec=start_sec,
            end_sec=end_sec,
            peak_score=peak_score,
            mean_score=mean_score,
            peak_sec=peak_sec,
            created_at=created_at,
            acknowledged=acknowledged,
            acknowledged_at=acknowledged_at,
            acknowledged_by=acknowledged_by,
            false_alarm=false_alarm,
            false_alarm_at=false_alarm_at,
            false_alarm_by=false_alarm_by,
            page_url=page_url,
            clip_url=clip_url,
            thumbnail_url=thumbnail_url,
        )

        alert.additional_properties = d
        return alert

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
