from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.blank_enum import BlankEnum
from ..models.split_enum import SplitEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="AddFeedbackRequest")


@_attrs_define
class AddFeedbackRequest:
    """
    Attributes:
        feedback (list[int]): Feedback ids to turn into clips.
        split (BlankEnum | SplitEnum | Unset):  Default: BlankEnum.VALUE_0.
    """

    feedback: list[int]
    split: BlankEnum | SplitEnum | Unset = BlankEnum.VALUE_0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        feedback = self.feedback

        split: str | Unset
        if isinstance(self.split, Unset):
            split = UNSET
        elif isinstance(self.split, SplitEnum):
            split = self.split.value
        else:
            split = self.split.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "feedback": feedback,
            }
        )
        if split is not UNSET:
            field_dict["split"] = split

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        for feedback_item_element in self.feedback:
            files.append(("feedback", (None, str(feedback_item_element).encode(), "text/plain")))

        if not isinstance(self.split, Unset):
            if isinstance(self.split, SplitEnum):
                files.append(("split", (None, str(self.split.value).encode(), "text/plain")))
            else:
                files.append(("split", (None, str(self.split.value).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        feedback = cast(list[int], d.pop("feedback"))

        def _parse_split(data: object) -> BlankEnum | SplitEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                split_type_0 = SplitEnum(data)

                return split_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            split_type_1 = BlankEnum(data)

            return split_type_1

        split = _parse_split(d.pop("split", UNSET))

        add_feedback_request = cls(
            feedback=feedback,
            split=split,
        )

        add_feedback_request.additional_properties = d
        return add_feedback_request

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
