"""REST API: the staff operations overview and the OpenAPI schema."""
from __future__ import annotations

from collections.abc import Iterable

from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAdminUser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.core.selectors import ops_overview


class OpsView(APIView):
    """Queues (messages waiting), workers (their heartbeats) and analyses in flight.

    Staff only.
    """

    permission_classes = (IsAdminUser,)

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="ops_retrieve")
    def get(self, request: Request) -> Response:
        return Response(ops_overview())


class PlainTextYamlRenderer(OpenApiYamlRenderer):
    """The YAML schema as ``text/plain``: a type browsers show instead of downloading."""

    media_type = "text/plain"


#: Types a browser shows in the tab (the OpenAPI and YAML types are downloaded).
BROWSER_VIEWABLE_TYPES = frozenset({OpenApiJsonRenderer2.media_type,
                                    PlainTextYamlRenderer.media_type})


class SchemaContentNegotiation(DefaultContentNegotiation):
    """A browser opening the schema (its ``Accept`` names ``text/html``) gets JSON, or YAML
    with ``?format=yaml``, as a type it displays. Other clients negotiate as usual:
    ``?format=json|yaml`` or ``Accept: application/json``, ``application/yaml``,
    ``application/vnd.oai.openapi[+json]``; ``*/*`` gets YAML (``application/vnd.oai.openapi``)."""

    def select_renderer(self, request: Request, renderers: Iterable[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[BaseRenderer, str]:
        if "text/html" in request.META.get("HTTP_ACCEPT", ""):
            wanted = format_suffix or request.query_params.get(
                self.settings.URL_FORMAT_OVERRIDE) or "json"
            for renderer in renderers:
                if renderer.format == wanted and renderer.media_type in BROWSER_VIEWABLE_TYPES:
                    return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of ``/api/v1/``, as JSON or YAML (see SchemaContentNegotiation)."""

    content_negotiation_class = SchemaContentNegotiation
    renderer_classes = [  # noqa: RUF012  (DRF's attribute, typed as a list by its stubs)
        OpenApiYamlRenderer, OpenApiYamlRenderer2, PlainTextYamlRenderer, OpenApiJsonRenderer2,
        OpenApiJsonRenderer]
