from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analysis_status_enum import AnalysisStatusEnum

if TYPE_CHECKING:
    from ..models.problem import Problem


T = TypeVar("T", bound="DatasetImport")


@_attrs_define
class DatasetImport:
    """
    Attributes:
        id (int):
        dataset (int):
        kind (str):
        original_name (str):
        status (AnalysisStatusEnum): * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `cancelled` - Cancelled
        stage (str):
        percent (float):
        imported (int):
        error (str):
        problems (list[Problem]):
        finished (bool):
        options (Any):
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
        url (str):
    """

    id: int
    dataset: int
    kind: str
    original_name: str
    status: AnalysisStatusEnum
    stage: str
    percent: float
    imported: int
    error: str
    problems: list[Problem]
    finished: bool
    options: Any
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        dataset = self.dataset

        kind = self.kind

        original_name = self.original_name

        status = self.status.value

        stage = self.stage

        percent = self.percent

        imported = self.imported

        error = self.error

        problems = []
        for problems_item_data in self.problems:
            problems_item = problems_item_data.to_dict()
            problems.append(problems_item)

        finished = self.finished

        options = self.options

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset": dataset,
                "kind": kind,
                "original_name": original_name,
                "status": status,
                "stage": stage,
                "percent": percent,
                "imported": imported,
                "error": error,
                "problems": problems,
                "finished": finished,
                "options": options,
                "created_at": created_at,
                "finished_at": finished_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem import Problem  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        dataset = d.pop("dataset")

        kind = d.pop("kind")

        original_name = d.pop("original_name")

        status = AnalysisStatusEnum(d.pop("status"))

        stage = d.pop("stage")

        percent = d.pop("percent")

        imported = d.pop("imported")

        error = d.pop("error")

        problems = []
        _problems = d.pop("problems")
        for problems_item_data in _problems:
            problems_item = Problem.from_dict(problems_item_data)

            problems.append(problems_item)

        finished = d.pop("finished")

        options = d.pop("options")

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

        url = d.pop("url")

        dataset_import = cls(
            id=id,
            dataset=dataset,
            kind=kind,
            original_name=original_name,
            status=status,
            stage=stage,
            percent=percent,
            imported=imported,
            error=error,
            problems=problems,
            finished=finished,
            options=options,
            created_at=created_at,
            finished_at=finished_at,
            url=url,
        )

        dataset_import.additional_properties = d
        return dataset_import

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
