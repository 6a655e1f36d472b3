from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="ModelVersionImportRequest")


@_attrs_define
class ModelVersionImportRequest:
    """
    Attributes:
        file (File): A state dict or checkpoint (read with weights_only=True; other objects are refused).
        arch (str | Unset): Registry architecture (default: the file's).
        labels (list[str] | Unset): Class names (default: the file's or the architecture's bundled set).
        name (str | Unset):
        description (str | Unset):
    """

    file: File
    arch: str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    name: str | Unset = UNSET
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        arch = self.arch

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        name = self.name

        description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if arch is not UNSET:
            field_dict["arch"] = arch
        if labels is not UNSET:
            field_dict["labels"] = labels
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.arch, Unset):
            files.append(("arch", (None, str(self.arch).encode(), "text/plain")))

        if not isinstance(self.labels, Unset):
            for labels_item_element in self.labels:
                files.append(("labels", (None, str(labels_item_element).encode(), "text/plain")))

        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))

        if not isinstance(self.description, Unset):
            files.append(("description", (None, str(self.description).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        arch = d.pop("arch", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        model_version_import_request = cls(
            file=file,
            arch=arch,
            labels=labels,
            name=name,
            description=description,
        )

        model_version_import_request.additional_properties = d
        return model_version_import_request

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
