from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelVersion")


@_attrs_define
class ModelVersion:
    """
    Attributes:
        id (int):
        name (str): Shown to users, e.g. r2plus1d_18 or r2plus1d_18.untrained.
        title (str): What it detects, how well, and its name: the label pickers show.
        arch (str): Registry name in inference.models.
        weights (str): 'default' (the registry's pretrained file in VIGIL_MODEL_DIR), a file path, or 'none' (random
            initialisation: development and tests only).
        untrained (bool):
        description (str):
        is_default (bool):
        is_active (bool):
        label_count (int):
        labels (Any):
        input_spec (Any):
        metrics (Any): Validation metrics (best epoch, or the import's).
        weights_sha256 (str):
        training_run (None | UUID):
        dataset (int | None):
        promoted_at (datetime.datetime | None): When it last became the default.
        created_at (datetime.datetime):
    """

    id: int
    name: str
    title: str
    arch: str
    weights: str
    untrained: bool
    description: str
    is_default: bool
    is_active: bool
    label_count: int
    labels: Any
    input_spec: Any
    metrics: Any
    weights_sha256: str
    training_run: None | UUID
    dataset: int | None
    promoted_at: datetime.datetime | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        title = self.title

        arch = self.arch

        weights = self.weights

        untrained = self.untrained

        description = self.description

        is_default = self.is_default

        is_active = self.is_active

        label_count = self.label_count

        labels = self.labels

        input_spec = self.input_spec

        metrics = self.metrics

        weights_sha256 = self.weights_sha256

        training_run: None | str
        if isinstance(self.training_run, UUID):
            training_run = str(self.training_run)
        else:
            training_run = self.training_run

        dataset: int | None
        dataset = self.dataset

        promoted_at: None | str
        if isinstance(self.promoted_at, datetime.datetime):
            promoted_at = self.promoted_at.isoformat()
        else:
            promoted_at = self.promoted_at

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "title": title,
                "arch": arch,
                "weights": weights,
                "untrained": untrained,
                "description": description,
                "is_default": is_default,
                "is_active": is_active,
                "label_count": label_count,
                "labels": labels,
                "input_spec": input_spec,
                "metrics": metrics,
                "weights_sha256": weights_sha256,
                "training_run": training_run,
                "dataset": dataset,
                "promoted_at": promoted_at,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        title = d.pop("title")

        arch = d.pop("arch")

        weights = d.pop("weights")

        untrained = d.pop("untrained")

        description = d.pop("description")

        is_default = d.pop("is_default")

        is_active = d.pop("is_active")

        label_count = d.pop("label_count")

        labels = d.pop("labels")

        input_spec = d.pop("input_spec")

        metrics = d.pop("metrics")

        weights_sha256 = d.pop("weights_sha256")

        def _parse_training_run(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                training_run_type_0 = UUID(data)

                return training_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        training_run = _parse_training_run(d.pop("training_run"))

        def _parse_dataset(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        dataset = _parse_dataset(d.pop("dataset"))

        def _parse_promoted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                promoted_at_type_0 = datetime.datetime.fromisoformat(data)

                return promoted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        promoted_at = _parse_promoted_at(d.pop("promoted_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        model_version = cls(
            id=id,
            name=name,
            title=title,
            arch=arch,
            weights=weights,
            untrained=untrained,
            description=description,
            is_default=is_default,
            is_active=is_active,
            label_count=label_count,
            labels=labels,
            input_spec=input_spec,
            metrics=metrics,
            weights_sha256=weights_sha256,
            training_run=training_run,
            dataset=dataset,
            promoted_at=promoted_at,
            created_at=created_at,
        )

        model_version.additional_properties = d
        return model_version

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
