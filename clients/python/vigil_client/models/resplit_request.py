from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, Unset

T = TypeVar("T", bound="ResplitRequest")


@_attrs_define
class ResplitRequest:
    """
    Attributes:
        train (float | Unset):  Default: 0.7.
        val (float | Unset):  Default: 0.15.
        test (float | Unset):  Default: 0.15.
        seed (int | Unset):  Default: 0.
    """

    train: float | Unset = 0.7
    val: float | Unset = 0.15
    test: float | Unset = 0.15
    seed: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        train = self.train

        val = self.val

        test = self.test

        seed = self.seed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if train is not UNSET:
            field_dict["train"] = train
        if val is not UNSET:
            field_dict["val"] = val
        if test is not UNSET:
            field_dict["test"] = test
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        if not isinstance(self.train, Unset):
            files.append(("train", (None, str(self.train).encode(), "text/plain")))

        if not isinstance(self.val, Unset):
            files.append(("val", (None, str(self.val).encode(), "text/plain")))

        if not isinstance(self.test, Unset):
            files.append(("test", (None, str(self.test).encode(), "text/plain")))

        if not isinstance(self.seed, Unset):
            files.append(("seed", (None, str(self.seed).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        train = d.pop("train", UNSET)

        val = d.pop("val", UNSET)

        test = d.pop("test", UNSET)

        seed = d.pop("seed", UNSET)

        resplit_request = cls(
            train=train,
            val=val,
            test=test,
            seed=seed,
        )

        resplit_request.additional_properties = d
        return resplit_request

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
