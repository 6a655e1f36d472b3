from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CameraProbe")


@_attrs_define
class CameraProbe:
    """
    Attributes:
        id (int):
        camera (int | None):
        url_masked (str):
        ok (bool):
        codec (str):
        width (int | None):
        height (int | None):
        fps (float | None):
        error_code (str):
        error (str):
        duration_sec (float):
        created_at (datetime.datetime):
    """

    id: int
    camera: int | None
    url_masked: str
    ok: bool
    codec: str
    width: int | None
    height: int | None
    fps: float | None
    error_code: str
    error: str
    duration_sec: float
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        camera: int | None
        camera = self.camera

        url_masked = self.url_masked

        ok = self.ok

        codec = self.codec

        width: int | None
        width = self.width

        height: int | None
        height = self.height

        fps: float | None
        fps = self.fps

        error_code = self.error_code

        error = self.error

        duration_sec = self.duration_sec

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "camera": camera,
                "url_masked": url_masked,
                "ok": ok,
                "codec": codec,
                "width": width,
                "height": height,
                "fps": fps,
                "error_code": error_code,
                "error": error,
                "duration_sec": duration_sec,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_camera(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        camera = _parse_camera(d.pop("camera"))

        url_masked = d.pop("url_masked")

        ok = d.pop("ok")

        codec = d.pop("codec")

        def _parse_width(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        width = _parse_width(d.pop("width"))

        def _parse_height(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        height = _parse_height(d.pop("height"))

        def _parse_fps(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        fps = _parse_fps(d.pop("fps"))

        error_code = d.pop("error_code")

        error = d.pop("error")

        duration_sec = d.pop("duration_sec")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        camera_probe = cls(
            id=id,
            camera=camera,
            url_masked=url_masked,
            ok=ok,
            codec=codec,
            width=width,
            height=height,
            fps=fps,
            error_code=error_code,
            error=error,
            duration_sec=duration_sec,
            created_at=created_at,
        )

        camera_probe.additional_properties = d
        return camera_probe

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
