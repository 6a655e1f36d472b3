"""What the API's viewsets share: rows read through the app's selectors, as the requesting
user may see them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from rest_framework.generics import GenericAPIView

from webapp.core.errors import object_or_404


class UserSelectorsMixin(GenericAPIView):
    """For a viewset (put it first among the bases) whose rows its app's selectors give, as
    the requesting user may see them.

    ``list_selector(user=)`` is the list's queryset; ``get_selector(user=, <selector_pk>=)``
    one row, a 404 when the user may not see it (another user's, an unknown or malformed id:
    :func:`~webapp.core.errors.object_or_404`). Declare both with ``staticmethod``.
    """

    list_selector: ClassVar[Callable[..., QuerySet[Any]]]
    get_selector: ClassVar[Callable[..., Model]]
    #: The keyword under which ``get_selector`` takes the id in the URL.
    selector_pk: ClassVar[str] = "pk"

    def get_queryset(self) -> QuerySet[Any]:
        return self.list_selector(user=self.request.user)

    def get_object(self) -> Any:
        return object_or_404(self.get_selector, user=self.request.user,
                             **{self.selector_pk: self.kwargs["pk"]})
