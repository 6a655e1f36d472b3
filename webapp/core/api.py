"""REST API: the staff operations overview."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAdminUser
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
