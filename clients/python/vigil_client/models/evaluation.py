from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analysis_status_enum import AnalysisStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Evaluation")


@_attrs_define
class Evaluation:
    """
    Attributes:
        id (UUID):
        version (int):
        dataset (int):
        status (AnalysisStatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        queue (str):
        metrics (Any):
        error (str):
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
        split (str | Unset):
        device (str | Unset):
    """

    id: UUID
    version: int
    dataset: int
    status: AnalysisStatusEnum
    queue: str
    metrics: Any
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    split: str | Unset = UNSET
    device: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        version = self.version

        dataset = self.dataset

        status = self.status.value

        queue = self.queue

        metrics = self.metrics

        error = self.error

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        split = self.split

        device = self.device

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "dataset": dataset,
                "status": status,
                "queue": queue,
                "metrics": metrics,
                "error": error,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )
        if split is not UNSET:
            field_dict["split"] = split
        if device is not UNSET:
            field_dict["device"] = device

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        version = d.pop("version")

        dataset = d.pop("dataset")

        status = AnalysisStatusEnum(d.pop("status"))

        queue = d.pop("queue")

        metrics = d.pop("metrics")

        error = d.pop("error")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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

        split = d.pop("split", UNSET)

        device = d.pop("device", UNSET)

        evaluation = cls(
            id=id,
            version=version,
            dataset=dataset,
            status=status,
            queue=queue,
            metrics=metrics,
            error=error,
            created_at=created_at,
            finished_at=finished_at,
            split=split,
            device=device,
        )

        evaluation.additional_properties = d
        return evaluation

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
