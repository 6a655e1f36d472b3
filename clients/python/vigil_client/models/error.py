from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_fields import ErrorFields
    from ..models.problem import Problem


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """The body of every API error (the OpenAPI schema's ``Error``).

    Attributes:
        code (str): Stable machine code, e.g. invalid, not_found, throttled, file_too_large, quota_analyses.
        detail (str): One line for people.
        fields (ErrorFields): Problems per input field; empty when the error is not about a field.
        problems (list[Problem] | Unset): Manifest errors only: every bad row.
    """

    code: str
    detail: str
    fields: ErrorFields
    problems: list[Problem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        fields = self.fields.to_dict()

        problems: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.problems, Unset):
            problems = []
            for problems_item_data in self.problems:
                problems_item = problems_item_data.to_dict()
                problems.append(problems_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "fields": fields,
            }
        )
        if problems is not UNSET:
            field_dict["problems"] = problems

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_fields import ErrorFields  # noqa: PLC0415
        from ..models.problem import Problem  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        fields = ErrorFields.from_dict(d.pop("fields"))

        _problems = d.pop("problems", UNSET)
        problems: list[Problem] | Unset = UNSET
        if _problems is not UNSET:
            problems = []
            for problems_item_data in _problems:
                problems_item = Problem.from_dict(problems_item_data)

                problems.append(problems_item)

        error = cls(
            code=code,
            detail=detail,
            fields=fields,
            problems=problems,
        )

        error.additional_properties = d
        return error

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
