"""The account API: who am I (tokens are managed on the profile page)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.core.serializers import ReadOnlyModelSerializer


class MeSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ("id", "username", "email", "is_staff")


class MeView(APIView):
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
