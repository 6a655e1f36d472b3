from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Video")


@_attrs_define
class Video:
    """
    Attributes:
        id (UUID):
        owner (str):
        original_name (str):
        size_bytes (int):
        sha256 (str):
        container (str):
        codec (str):
        width (int):
        height (int):
        rotation (int):
        fps (float):
        frame_count (int):
        duration_sec (float):
        has_audio (bool):
        source_tag (str): Where the video comes from (e.g. a camera name); alert rules can be limited to one tag.
        created_at (datetime.datetime):
        page_url (str):
        thumbnail_url (None | str):
        source_url (str):
        duplicate_of (None | UUID): The owner's first upload of the same content (sha256) when this video is a later
            copy; null otherwise.
    """

    id: UUID
    owner: str
    original_name: str
    size_bytes: int
    sha256: str
    container: str
    codec: str
    width: int
    height: int
    rotation: int
    fps: float
    frame_count: int
    duration_sec: float
    has_audio: bool
    source_tag: str
    created_at: datetime.datetime
    page_url: str
    thumbnail_url: None | str
    source_url: str
    duplicate_of: None | UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        owner = self.owner

        original_name = self.original_name

        size_bytes = self.size_bytes

        sha256 = self.sha256

        container = self.container

        codec = self.codec

        width = self.width

        height = self.height

        rotation = self.rotation

        fps = self.fps

        frame_count = self.frame_count

        duration_sec = self.duration_sec

        has_audio = self.has_audio

        source_tag = self.source_tag

        created_at = self.created_at.isoformat()

        page_url = self.page_url

        thumbnail_url: None | str
        thumbnail_url = self.thumbnail_url

        source_url = self.source_url

        duplicate_of: None | str
        if isinstance(self.duplicate_of, UUID):
            duplicate_of = str(self.duplicate_of)
        else:
            duplicate_of = self.duplicate_of

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "owner": owner,
                "original_name": original_name,
                "size_bytes": size_bytes,
                "sha256": sha256,
                "container": container,
                "codec": codec,
                "width": width,
                "height": height,
                "rotation": rotation,
                "fps": fps,
                "frame_count": frame_count,
                "duration_sec": duration_sec,
                "has_audio": has_audio,
                "source_tag": source_tag,
                "created_at": created_at,
                "page_url": page_url,
                "thumbnail_url": thumbnail_url,
                "source_url": source_url,
                "duplicate_of": duplicate_of,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        owner = d.pop("owner")

        original_name = d.pop("original_name")

        size_bytes = d.pop("size_bytes")

        sha256 = d.pop("sha256")

        container = d.pop("container")

        codec = d.pop("codec")

        width = d.pop("width")

        height = d.pop("height")

        rotation = d.pop("rotation")

        fps = d.pop("fps")

        frame_count = d.pop("frame_count")

        duration_sec = d.pop("duration_sec")

        has_audio = d.pop("has_audio")

        source_tag = d.pop("source_tag")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        page_url = d.pop("page_url")

        def _parse_thumbnail_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url"))

        source_url = d.pop("source_url")

        def _parse_duplicate_of(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                duplicate_of_type_0 = UUID(data)

                return duplicate_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        duplicate_of = _parse_duplicate_of(d.pop("duplicate_of"))

        video = cls(
            id=id,
            owner=owner,
            original_name=original_name,
            size_bytes=size_bytes,
            sha256=sha256,
            container=container,
            codec=codec,
            width=width,
            height=height,
            rotation=rotation,
            fps=fps,
            frame_count=frame_count,
            duration_sec=duration_sec,
            has_audio=has_audio,
            source_tag=source_tag,
            created_at=created_at,
            page_url=page_url,
            thumbnail_url=thumbnail_url,
            source_url=source_url,
            duplicate_of=duplicate_of,
        )

        video.additional_properties = d
        return video

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
