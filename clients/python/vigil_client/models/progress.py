from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analysis_status_enum import AnalysisStatusEnum

if TYPE_CHECKING:
    from ..models.event import Event
    from ..models.segment import Segment


T = TypeVar("T", bound="Progress")


@_attrs_define
class Progress:
    """The live page's poll of an analysis: its state, the next segments (those after
    ``after``, a bounded batch) and, once it has finished, its events.

        Attributes:
            id (UUID):
            status (AnalysisStatusEnum): * `queued` - Queued
                * `running` - Running
                * `succeeded` - Succeeded
                * `failed` - Failed
                * `cancelled` - Cancelled
            stage (str):
            percent (float):
            error (str):
            error_code (str):
            cancel_requested (bool):
            finished (bool):
            watched_labels (list[str]):
            segments (list[Segment]):
            events (list[Event]):
            annotated_url (None | str):
            thumbs_url (None | str):
            thumbs_index (Any): Grid of the thumbnail sheet (vigil.thumbs/1); {} until there is one.
    """

    id: UUID
    status: AnalysisStatusEnum
    stage: str
    percent: float
    error: str
    error_code: str
    cancel_requested: bool
    finished: bool
    watched_labels: list[str]
    segments: list[Segment]
    events: list[Event]
    annotated_url: None | str
    thumbs_url: None | str
    thumbs_index: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status.value

        stage = self.stage

        percent = self.percent

        error = self.error

        error_code = self.error_code

        cancel_requested = self.cancel_requested

        finished = self.finished

        watched_labels = self.watched_labels

        segments = []
        for segments_item_data in self.segments:
            segments_item = segments_item_data.to_dict()
            segments.append(segments_item)

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        annotated_url: None | str
        annotated_url = self.annotated_url

        thumbs_url: None | str
        thumbs_url = self.thumbs_url

        thumbs_index = self.thumbs_index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "stage": stage,
                "percent": percent,
                "error": error,
                "error_code": error_code,
                "cancel_requested": cancel_requested,
                "finished": finished,
                "watched_labels": watched_labels,
                "segments": segments,
                "events": events,
                "annotated_url": annotated_url,
                "thumbs_url": thumbs_url,
                "thumbs_index": thumbs_index,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event import Event  # noqa: PLC0415
        from ..models.segment import Segment  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = AnalysisStatusEnum(d.pop("status"))

        stage = d.pop("stage")

        percent = d.pop("percent")

        error = d.pop("error")

        error_code = d.pop("error_code")

        cancel_requested = d.pop("cancel_requested")

        finished = d.pop("finished")

        watched_labels = cast(list[str], d.pop("watched_labels"))

        segments = []
        _segments = d.pop("segments")
        for segments_item_data in _segments:
            segments_item = Segment.from_dict(segments_item_data)

            segments.append(segments_item)

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = Event.from_dict(events_item_data)

            events.append(events_item)

        def _parse_annotated_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        annotated_url = _parse_annotated_url(d.pop("annotated_url"))

        def _parse_thumbs_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        thumbs_url = _parse_thumbs_url(d.pop("thumbs_url"))

        thumbs_index = d.pop("thumbs_index")

        progress = cls(
            id=id,
            status=status,
            stage=stage,
            percent=percent,
            error=error,
            error_code=error_code,
            cancel_requested=cancel_requested,
            finished=finished,
            watched_labels=watched_labels,
            segments=segments,
            events=events,
            annotated_url=annotated_url,
            thumbs_url=thumbs_url,
            thumbs_index=thumbs_index,
        )

        progress.additional_properties = d
        return progress

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
