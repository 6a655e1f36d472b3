from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CameraIncident")


@_attrs_define
class CameraIncident:
    """
    Attributes:
        id (int):
        camera (int):
        camera_name (str):
        label (str):
        onset_at (datetime.datetime):
        end_at (datetime.datetime):
        duration_sec (float):
        peak_score (float):
        created_at (datetime.datetime):
        clip_ready (bool):
        clip_error (str):
        clip_url (None | str):
        peak_jpeg_url (None | str):
    """

    id: int
    camera: int
    camera_name: str
    label: str
    onset_at: datetime.datetime
    end_at: datetime.datetime
    duration_sec: float
    peak_score: float
    created_at: datetime.datetime
    clip_ready: bool
    clip_error: str
    clip_url: None | str
    peak_jpeg_url: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        camera = self.camera

        camera_name = self.camera_name

        label = self.label

        onset_at = self.onset_at.isoformat()

        end_at = self.end_at.isoformat()

        duration_sec = self.duration_sec

        peak_score = self.peak_score

        created_at = self.created_at.isoformat()

        clip_ready = self.clip_ready

        clip_error = self.clip_error

        clip_url: None | str
        clip_url = self.clip_url

        peak_jpeg_url: None | str
        peak_jpeg_url = self.peak_jpeg_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "camera": camera,
                "camera_name": camera_name,
                "label": label,
                "onset_at": onset_at,
                "end_at": end_at,
                "duration_sec": duration_sec,
                "peak_score": peak_score,
                "created_at": created_at,
                "clip_ready": clip_ready,
                "clip_error": clip_error,
                "clip_url": clip_url,
                "peak_jpeg_url": peak_jpeg_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        camera = d.pop("camera")

        camera_name = d.pop("camera_name")

        label = d.pop("label")

        onset_at = datetime.datetime.fromisoformat(d.pop("onset_at"))

        end_at = datetime.datetime.fromisoformat(d.pop("end_at"))

        duration_sec = d.pop("duration_sec")

        peak_score = d.pop("peak_score")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        clip_ready = d.pop("clip_ready")

        clip_error = d.pop("clip_error")

        def _parse_clip_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        clip_url = _parse_clip_url(d.pop("clip_url"))

        def _parse_peak_jpeg_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        peak_jpeg_url = _parse_peak_jpeg_url(d.pop("peak_jpeg_url"))

        camera_incident = cls(
            id=id,
            camera=camera,
            camera_name=camera_name,
            label=label,
            onset_at=onset_at,
            end_at=end_at,
            duration_sec=duration_sec,
            peak_score=peak_score,
            created_at=created_at,
            clip_ready=clip_ready,
            clip_error=clip_error,
            clip_url=clip_url,
            peak_jpeg_url=peak_jpeg_url,
        )

        camera_incident.additional_properties = d
        return camera_incident

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
