from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.verdict_enum import VerdictEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="FeedbackCreateRequest")


@_attrs_define
class FeedbackCreateRequest:
    """
    Attributes:
        analysis (UUID):
        verdict (VerdictEnum): * `correct` - Correct
            * `wrong` - Wrong
        segment_index (int | Unset): The segment's index in the analysis.
        event (int | Unset): An event id (see targets/).
        label (str | Unset): The right label (needed when wrong). Default: ''.
    """

    analysis: UUID
    verdict: VerdictEnum
    segment_index: int | Unset = UNSET
    event: int | Unset = UNSET
    label: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        analysis = str(self.analysis)

        verdict = self.verdict.value

        segment_index = self.segment_index

        event = self.event

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "analysis": analysis,
                "verdict": verdict,
            }
        )
        if segment_index is not UNSET:
            field_dict["segment_index"] = segment_index
        if event is not UNSET:
            field_dict["event"] = event
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("analysis", (None, str(self.analysis), "text/plain")))

        files.append(("verdict", (None, str(self.verdict.value).encode(), "text/plain")))

        if not isinstance(self.segment_index, Unset):
            files.append(("segment_index", (None, str(self.segment_index).encode(), "text/plain")))

        if not isinstance(self.event, Unset):
            files.append(("event", (None, str(self.event).encode(), "text/plain")))

        if not isinstance(self.label, Unset):
            files.append(("label", (None, str(self.label).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        analysis = UUID(d.pop("analysis"))

        verdict = VerdictEnum(d.pop("verdict"))

        segment_index = d.pop("segment_index", UNSET)

        event = d.pop("event", UNSET)

        label = d.pop("label", UNSET)

        feedback_create_request = cls(
            analysis=analysis,
            verdict=verdict,
            segment_index=segment_index,
            event=event,
            label=label,
        )

        feedback_create_request.additional_properties = d
        return feedback_create_request

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
