from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analysis_status_enum import AnalysisStatusEnum

T = TypeVar("T", bound="TrainingRun")


@_attrs_define
class TrainingRun:
    """
    Attributes:
        id (UUID):
        dataset (int | None):
        base_version (int | None):
        settings (Any): training.finetune.FinetuneConfig fields.
        status (AnalysisStatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        stage (str):
        percent (float):
        epoch (int): Last finished epoch.
        device (str):
        queue (str):
        history (Any): One row per finished epoch: epoch, train_loss, train_acc, val_loss, val_acc, lr, sec.
        best (Any): Best epoch: accuracy, loss, macro F1, per-class P/R/F1, confusion matrix, threshold at the target
            precision.
        labels (Any):
        error (str):
        cancel_requested (bool):
        attempts (int):
        heartbeat_at (datetime.datetime | None):
        result_version (int | None):
        created_by (None | str):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    dataset: int | None
    base_version: int | None
    settings: Any
    status: AnalysisStatusEnum
    stage: str
    percent: float
    epoch: int
    device: str
    queue: str
    history: Any
    best: Any
    labels: Any
    error: str
    cancel_requested: bool
    attempts: int
    heartbeat_at: datetime.datetime | None
    result_version: int | None
    created_by: None | str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        dataset: int | None
        dataset = self.dataset

        base_version: int | None
        base_version = self.base_version

        settings = self.settings

        status = self.status.value

        stage = self.stage

        percent = self.percent

        epoch = self.epoch

        device = self.device

        queue = self.queue

        history = self.history

        best = self.best

        labels = self.labels

        error = self.error

        cancel_requested = self.cancel_requested

        attempts = self.attempts

        heartbeat_at: None | str
        if isinstance(self.heartbeat_at, datetime.datetime):
            heartbeat_at = self.heartbeat_at.isoformat()
        else:
            heartbeat_at = self.heartbeat_at

        result_version: int | None
        result_version = self.result_version

        created_by: None | str
        created_by = self.created_by

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset": dataset,
                "base_version": base_version,
                "settings": settings,
                "status": status,
                "stage": stage,
                "percent": percent,
                "epoch": epoch,
                "device": device,
                "queue": queue,
                "history": history,
                "best": best,
                "labels": labels,
                "error": error,
                "cancel_requested": cancel_requested,
                "attempts": attempts,
                "heartbeat_at": heartbeat_at,
                "result_version": result_version,
                "created_by": created_by,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_dataset(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dataset = _parse_dataset(d.pop("dataset"))

        def _parse_base_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        base_version = _parse_base_version(d.pop("base_version"))

        settings = d.pop("settings")

        status = AnalysisStatusEnum(d.pop("status"))

        stage = d.pop("stage")

        percent = d.pop("percent")

        epoch = d.pop("epoch")

        device = d.pop("device")

        queue = d.pop("queue")

        history = d.pop("history")

        best = d.pop("best")

        labels = d.pop("labels")

        error = d.pop("error")

        cancel_requested = d.pop("cancel_requested")

        attempts = d.pop("attempts")

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

        def _parse_result_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        result_version = _parse_result_version(d.pop("result_version"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

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

        training_run = cls(
            id=id,
            dataset=dataset,
            base_version=base_version,
            settings=settings,
            status=status,
            stage=stage,
            percent=percent,
            epoch=epoch,
            device=device,
            queue=queue,
            history=history,
            best=best,
            labels=labels,
            error=error,
            cancel_requested=cancel_requested,
            attempts=attempts,
            heartbeat_at=heartbeat_at,
            result_version=result_version,
            created_by=created_by,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
        )

        training_run.additional_properties = d
        return training_run

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
