from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.analysis import Analysis
    from ..models.video import Video


T = TypeVar("T", bound="VideoCreated")


@_attrs_define
class VideoCreated:
    """
    Attributes:
        video (Video):
        analysis (Analysis | None):
    """

    video: Video
    analysis: Analysis | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.analysis import Analysis  # noqa: PLC0415

        video = self.video.to_dict()

        analysis: dict[str, Any] | None
        if isinstance(self.analysis, Analysis):
            analysis = self.analysis.to_dict()
        else:
            analysis = self.analysis

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "video": video,
                "analysis": analysis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analysis import Analysis  # noqa: PLC0415
        from ..models.video import Video  # noqa: PLC0415

        d = dict(src_dict)
        video = Video.from_dict(d.pop("video"))

        def _parse_analysis(data: object) -> Analysis | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                analysis_type_1 = Analysis.from_dict(data)

                return analysis_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Analysis | None, data)

        analysis = _parse_analysis(d.pop("analysis"))

        video_created = cls(
            video=video,
            analysis=analysis,
        )

        video_created.additional_properties = d
        return video_created

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
