from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analysis_status_enum import AnalysisStatusEnum

if TYPE_CHECKING:
    from ..models.event import Event


T = TypeVar("T", bound="Analysis")


@_attrs_define
class Analysis:
    """
    Attributes:
        id (UUID):
        video (UUID):
        model_version (int):
        model_version_name (str):
        device (str):
        queue (str):
        segment_sec (float):
        stride_sec (float):
        labels (Any): Labels to watch.
        threshold (float):
        modalities (Any): Streams fused (rgb, flow, rgbdiff); empty: the model's own.
        fusion_weights (Any): Late-fusion weight per stream (others 1).
        flow_method (str):
        status (AnalysisStatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        cancel_requested (bool):
        stage (str):
        percent (float):
        error (str):
        error_code (str):
        attempts (int):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        heartbeat_at (datetime.datetime | None):
        untrained (bool):
        model_weights (str): What the results say the weights were.
        watched_labels (Any):
        events (list[Event]):
        page_url (str):
        results_url (None | str):
        annotated_url (None | str):
        thumbs_url (None | str):
        thumbs_index (Any): The sheet's vigil.thumbs/1 index.
        segments_csv_url (str):
    """

    id: UUID
    video: UUID
    model_version: int
    model_version_name: str
    device: str
    queue: str
    segment_sec: float
    stride_sec: float
    labels: Any
    threshold: float
    modalities: Any
    fusion_weights: Any
    flow_method: str
    status: AnalysisStatusEnum
    cancel_requested: bool
    stage: str
    percent: float
    error: str
    error_code: str
    attempts: int
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    heartbeat_at: datetime.datetime | None
    untrained: bool
    model_weights: str
    watched_labels: Any
    events: list[Event]
    page_url: str
    results_url: None | str
    annotated_url: None | str
    thumbs_url: None | str
    thumbs_index: Any
    segments_csv_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        video = str(self.video)

        model_version = self.model_version

        model_version_name = self.model_version_name

        device = self.device

        queue = self.queue

        segment_sec = self.segment_sec

        stride_sec = self.stride_sec

        labels = self.labels

        threshold = self.threshold

        modalities = self.modalities

        fusion_weights = self.fusion_weights

        flow_method = self.flow_method

        status = self.status.value

        cancel_requested = self.cancel_requested

        stage = self.stage

        percent = self.percent

        error = self.error

        error_code = self.error_code

        attempts = self.attempts

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        heartbeat_at: None | str
        if isinstance(self.heartbeat_at, datetime.datetime):
            heartbeat_at = self.heartbeat_at.isoformat()
        else:
            heartbeat_at = self.heartbeat_at

        untrained = self.untrained

        model_weights = self.model_weights

        watched_labels = self.watched_labels

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        page_url = self.page_url

        results_url: None | str
        results_url = self.results_url

        annotated_url: None | str
        annotated_url = self.annotated_url

        thumbs_url: None | str
        thumbs_url = self.thumbs_url

        thumbs_index = self.thumbs_index

        segments_csv_url = self.segments_csv_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "video": video,
                "model_version": model_version,
                "model_version_name": model_version_name,
                "device": device,
                "queue": queue,
                "segment_sec": segment_sec,
                "stride_sec": stride_sec,
                "labels": labels,
                "threshold": threshold,
                "modalities": modalities,
                "fusion_weights": fusion_weights,
                "flow_method": flow_method,
                "status": status,
                "cancel_requested": cancel_requested,
                "stage": stage,
                "percent": percent,
                "error": error,
                "error_code": error_code,
                "attempts": attempts,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "heartbeat_at": heartbeat_at,
                "untrained": untrained,
                "model_weights": model_weights,
                "watched_labels": watched_labels,
                "events": events,
                "page_url": page_url,
                "results_url": results_url,
                "annotated_url": annotated_url,
                "thumbs_url": thumbs_url,
                "thumbs_index": thumbs_index,
                "segments_csv_url": segments_csv_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event import Event  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        video = UUID(d.pop("video"))

        model_version = d.pop("model_version")

        model_version_name = d.pop("model_version_name")

        device = d.pop("device")

        queue = d.pop("queue")

        segment_sec = d.pop("segment_sec")

        stride_sec = d.pop("stride_sec")

        labels = d.pop("labels")

        threshold = d.pop("threshold")

        modalities = d.pop("modalities")

        fusion_weights = d.pop("fusion_weights")

        flow_method = d.pop("flow_method")

        status = AnalysisStatusEnum(d.pop("status"))

        cancel_requested = d.pop("cancel_requested")

        stage = d.pop("stage")

        percent = d.pop("percent")

        error = d.pop("error")

        error_code = d.pop("error_code")

        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_heartbeat_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                heartbeat_at_type_0 = datetime.datetime.fromisoformat(data)

                return heartbeat_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        heartbeat_at = _parse_heartbeat_at(d.pop("heartbeat_at"))

        untrained = d.pop("untrained")

        model_weights = d.pop("model_weights")

        watched_labels = d.pop("watched_labels")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = Event.from_dict(events_item_data)

            events.append(events_item)

        page_url = d.pop("page_url")

        def _parse_results_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        results_url = _parse_results_url(d.pop("results_url"))

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

        segments_csv_url = d.pop("segments_csv_url")

        analysis = cls(
            id=id,
            video=video,
            model_version=model_version,
            model_version_name=model_version_name,
            device=device,
            queue=queue,
            segment_sec=segment_sec,
            stride_sec=stride_sec,
            labels=labels,
            threshold=threshold,
            modalities=modalities,
            fusion_weights=fusion_weights,
            flow_method=flow_method,
            status=status,
            cancel_requested=cancel_requested,
            stage=stage,
            percent=percent,
            error=error,
            error_code=error_code,
            attempts=attempts,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            heartbeat_at=heartbeat_at,
            untrained=untrained,
            model_weights=model_weights,
            watched_labels=watched_labels,
            events=events,
            page_url=page_url,
            results_url=results_url,
            annotated_url=annotated_url,
            thumbs_url=thumbs_url,
            thumbs_index=thumbs_index,
            segments_csv_url=segments_csv_url,
        )

        analysis.additional_properties = d
        return analysis

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
