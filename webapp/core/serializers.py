"""What API serializers share: read-only model representations, links to an object's pages and
files, and the validated input of an upload request (413 when the upload was stopped for its
size)."""
from __future__ import annotations

from typing import Any, TypeVar

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from webapp.core.errors import UploadTooLarge
from webapp.core.uploads import upload_too_large

SerializerT = TypeVar("SerializerT", bound=serializers.Serializer)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    # A model's representation that the API only reads: every field ``Meta.fields`` names is
    # read-only, as ``read_only_fields = fields`` would make it (declared fields say so
    # themselves). No docstring: drf-spectacular would give it to the subclasses' schemas.

    def get_extra_kwargs(self) -> dict[str, Any]:
        extra_kwargs: dict[str, Any] = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {})["read_only"] = True
        return extra_kwargs


@extend_schema_field(OpenApiTypes.STR)
class LinkField(serializers.Field):
    """Read-only: the URL of the view ``view_name`` for this object (``reverse(view_name,
    args=[obj.pk])``), absolute when the serializer's context holds the request.

    ``present`` names an attribute of the object (a stored file's name); when it is empty the
    link is ``null``: there is nothing there yet.
    """

    def __init__(self, view_name: str, *, present: str | None = None, **kwargs: Any) -> None:
        self.view_name = view_name
        self.present = present
        super().__init__(source="*", read_only=True, allow_null=present is not None, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        if self.present is not None and not getattr(value, self.present):
            return None
        path = reverse(self.view_name, args=[value.pk])
        request: Request | None = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def upload_validated(request: Request, serializer_class: type[SerializerT]) -> SerializerT:
    """``serializer_class`` over the request's (multipart) data, validated: raises
    ``UploadTooLarge`` (413) when the upload was stopped for its size, before DRF parsed the
    body or while it did, and DRF's ``ValidationError`` (400) for bad input."""
    if upload_too_large(request):
        raise UploadTooLarge
    serializer = serializer_class(data=request.data)
    if upload_too_large(request):  # the parser ran while reading request.data
        raise UploadTooLarge
    serializer.is_valid(raise_exception=True)
    return serializer
