from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.verdict_enum import VerdictEnum

T = TypeVar("T", bound="Feedback")


@_attrs_define
class Feedback:
    """
    Attributes:
        id (int):
        analysis (UUID):
        segment (int | None):
        event (int | None):
        user (str):
        verdict (VerdictEnum): * `correct` - Correct
            * `wrong` - Wrong
        label (str): The right label when the verdict is wrong.
        model_label (str):
        clip_label (str):
        start_sec (float):
        end_sec (float):
        clip (int | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    analysis: UUID
    segment: int | None
    event: int | None
    user: str
    verdict: VerdictEnum
    label: str
    model_label: str
    clip_label: str
    start_sec: float
    end_sec: float
    clip: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        analysis = str(self.analysis)

        segment: int | None
        segment = self.segment

        event: int | None
        event = self.event

        user = self.user

        verdict = self.verdict.value

        label = self.label

        model_label = self.model_label

        clip_label = self.clip_label

        start_sec = self.start_sec

        end_sec = self.end_sec

        clip: int | None
        clip = self.clip

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "analysis": analysis,
                "segment": segment,
                "event": event,
                "user": user,
                "verdict": verdict,
                "label": label,
                "model_label": model_label,
                "clip_label": clip_label,
                "start_sec": start_sec,
                "end_sec": end_sec,
                "clip": clip,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        analysis = UUID(d.pop("analysis"))

        def _parse_segment(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        segment = _parse_segment(d.pop("segment"))

        def _parse_event(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        event = _parse_event(d.pop("event"))

        user = d.pop("user")

        verdict = VerdictEnum(d.pop("verdict"))

        label = d.pop("label")

        model_label = d.pop("model_label")

        clip_label = d.pop("clip_label")

        start_sec = d.pop("start_sec")

        end_sec = d.pop("end_sec")

        def _parse_clip(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        clip = _parse_clip(d.pop("clip"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        feedback = cls(
            id=id,
            analysis=analysis,
            segment=segment,
            event=event,
            user=user,
            verdict=verdict,
            label=label,
            model_label=model_label,
            clip_label=clip_label,
            start_sec=start_sec,
            end_sec=end_sec,
            clip=clip,
            created_at=created_at,
            updated_at=updated_at,
        )

        feedback.additional_properties = d
        return feedback

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
