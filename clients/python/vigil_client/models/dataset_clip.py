from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.origin_enum import OriginEnum
from ..models.split_enum import SplitEnum

T = TypeVar("T", bound="DatasetClip")


@_attrs_define
class DatasetClip:
    """
    Attributes:
        id (int):
        dataset (int):
        label (str):
        split (SplitEnum): * `` - grouped
            * `train` - Train
            * `val` - Validation
            * `test` - Test
        group (str): Source-video key: grouped splits keep a group together.
        origin (OriginEnum): * `upload` - Uploaded video
            * `folder` - Folder-per-class import
            * `manifest` - CSV manifest import
            * `ava` - AVA-style rows
            * `feedback` - Result feedback
        original_name (str):
        source_video (None | UUID):
        start_sec (float | None): Start in the source video (s), if cut from one.
        end_sec (float | None): End in the source video (s), if cut from one.
        duration_sec (float):
        sha256 (str):
        created_at (datetime.datetime):
        file_url (str):
    """

    id: int
    dataset: int
    label: str
    split: SplitEnum
    group: str
    origin: OriginEnum
    original_name: str
    source_video: None | UUID
    start_sec: float | None
    end_sec: float | None
    duration_sec: float
    sha256: str
    created_at: datetime.datetime
    file_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        dataset = self.dataset

        label = self.label

        split = self.split.value

        group = self.group

        origin = self.origin.value

        original_name = self.original_name

        source_video: None | str
        if isinstance(self.source_video, UUID):
            source_video = str(self.source_video)
        else:
            source_video = self.source_video

        start_sec: float | None
        start_sec = self.start_sec

        end_sec: float | None
        end_sec = self.end_sec

        duration_sec = self.duration_sec

        sha256 = self.sha256

        created_at = self.created_at.isoformat()

        file_url = self.file_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset": dataset,
                "label": label,
                "split": split,
                "group": group,
                "origin": origin,
                "original_name": original_name,
                "source_video": source_video,
                "start_sec": start_sec,
                "end_sec": end_sec,
                "duration_sec": duration_sec,
                "sha256": sha256,
                "created_at": created_at,
                "file_url": file_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        dataset = d.pop("dataset")

        label = d.pop("label")

        split = SplitEnum(d.pop("split"))

        group = d.pop("group")

        origin = OriginEnum(d.pop("origin"))

        original_name = d.pop("original_name")

        def _parse_source_video(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_video_type_0 = UUID(data)

                return source_video_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        source_video = _parse_source_video(d.pop("source_video"))

        def _parse_start_sec(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        start_sec = _parse_start_sec(d.pop("start_sec"))

        def _parse_end_sec(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        end_sec = _parse_end_sec(d.pop("end_sec"))

        duration_sec = d.pop("duration_sec")

        sha256 = d.pop("sha256")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        file_url = d.pop("file_url")

        dataset_clip = cls(
            id=id,
            dataset=dataset,
            label=label,
            split=split,
            group=group,
            origin=origin,
            original_name=original_name,
            source_video=source_video,
            start_sec=start_sec,
            end_sec=end_sec,
            duration_sec=duration_sec,
            sha256=sha256,
            created_at=created_at,
            file_url=file_url,
        )

        dataset_clip.additional_properties = d
        return dataset_clip

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
