from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.camera_state_enum import CameraStateEnum

T = TypeVar("T", bound="CameraStatus")


@_attrs_define
class CameraStatus:
    """What the camera worker holding the lease last wrote (status and the ops view).

    Attributes:
        worker (str):
        state (CameraStateEnum): * `connecting` - Connecting
            * `live` - Live
            * `reconnecting` - Reconnecting
            * `stopped` - Stopped
            * `error` - Error
        state_reason (str):
        fps_in (float):
        fps_scored (float):
        lag_sec (float):
        windows_scored (int):
        windows_dropped (int):
        reconnects (int):
        last_seen_at (datetime.datetime | None):
        state_since (datetime.datetime | None):
        preview_at (datetime.datetime | None):
        threshold (float):
        scores (Any): {"labels": [...], "points": [[unix_sec, [score per label]], ...]}
    """

    worker: str
    state: CameraStateEnum
    state_reason: str
    fps_in: float
    fps_scored: float
    lag_sec: float
    windows_scored: int
    windows_dropped: int
    reconnects: int
    last_seen_at: datetime.datetime | None
    state_since: datetime.datetime | None
    preview_at: datetime.datetime | None
    threshold: float
    scores: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        worker = self.worker

        state = self.state.value

        state_reason = self.state_reason

        fps_in = self.fps_in

        fps_scored = self.fps_scored

        lag_sec = self.lag_sec

        windows_scored = self.windows_scored

        windows_dropped = self.windows_dropped

        reconnects = self.reconnects

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        state_since: None | str
        if isinstance(self.state_since, datetime.datetime):
            state_since = self.state_since.isoformat()
        else:
            state_since = self.state_since

        preview_at: None | str
        if isinstance(self.preview_at, datetime.datetime):
            preview_at = self.preview_at.isoformat()
        else:
            preview_at = self.preview_at

        threshold = self.threshold

        scores = self.scores

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "worker": worker,
                "state": state,
                "state_reason": state_reason,
                "fps_in": fps_in,
                "fps_scored": fps_scored,
                "lag_sec": lag_sec,
                "windows_scored": windows_scored,
                "windows_dropped": windows_dropped,
                "reconnects": reconnects,
                "last_seen_at": last_seen_at,
                "state_since": state_since,
                "preview_at": preview_at,
                "threshold": threshold,
                "scores": scores,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        worker = d.pop("worker")

        state = CameraStateEnum(d.pop("state"))

        state_reason = d.pop("state_reason")

        fps_in = d.pop("fps_in")

        fps_scored = d.pop("fps_scored")

        lag_sec = d.pop("lag_sec")

        windows_scored = d.pop("windows_scored")

        windows_dropped = d.pop("windows_dropped")

        reconnects = d.pop("reconnects")

        def _parse_last_seen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_at = _parse_last_seen_at(d.pop("last_seen_at"))

        def _parse_state_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                state_since_type_0 = datetime.datetime.fromisoformat(data)

                return state_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        state_since = _parse_state_since(d.pop("state_since"))

        def _parse_preview_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                preview_at_type_0 = datetime.datetime.fromisoformat(data)

                return preview_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        preview_at = _parse_preview_at(d.pop("preview_at"))

        threshold = d.pop("threshold")

        scores = d.pop("scores")

        camera_status = cls(
            worker=worker,
            state=state,
            state_reason=state_reason,
            fps_in=fps_in,
            fps_scored=fps_scored,
            lag_sec=lag_sec,
            windows_scored=windows_scored,
            windows_dropped=windows_dropped,
            reconnects=reconnects,
            last_seen_at=last_seen_at,
            state_since=state_since,
            preview_at=preview_at,
            threshold=threshold,
            scores=scores,
        )

        camera_status.additional_properties = d
        return camera_status

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
