"""What the API's viewsets share: rows read through the app's list selector, as the requesting
user may see them, or every row for staff.

A viewset names its rows once, ``list_selector = staticmethod(selectors.<entity>_list)``, and
declares no ``queryset``: the router gets each basename from ``webapp.urls``, and
drf-spectacular learns the model from ``get_queryset()`` (a list selector gives an anonymous
user, as the schema's mock request is, no rows rather than an error).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAdminUser

from webapp.core.errors import object_or_404


class UserSelectorsMixin(GenericAPIView):
    """For a viewset (put it first among the bases) whose rows are those the requesting user
    may see: ``list_selector(user=)``.

    A detail URL picks its row among them by the id alone (a list's filters do not apply),
    and answers 404 for a row the user may not see, an unknown or a malformed id
    (:func:`~webapp.core.errors.object_or_404`).
    """

    list_selector: ClassVar[Callable[..., QuerySet[Any]]]

    def get_queryset(self) -> QuerySet[Any]:
        return self.list_selector(user=self.request.user)

    def get_object(self) -> Any:
        return object_or_404(self.list_selector(user=self.request.user).get,
                             pk=self.kwargs["pk"])


class StaffSelectorsMixin(GenericAPIView):
    """For a staff-only viewset (put it first among the bases) whose rows are every row of
    ``list_selector()``; a detail URL is DRF's lookup among them."""

    permission_classes = (IsAdminUser,)
    list_selector: ClassVar[Callable[..., QuerySet[Any]]]

    def get_queryset(self) -> QuerySet[Any]:
        return self.list_selector()
