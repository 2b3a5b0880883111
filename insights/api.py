"""REST endpoint for shared segment aggregates (never a row-level prospect)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from themes.api import OfferedMethodsOnly, error_responses
from themes.permissions import Action, can

from .services import shared_segments_export


class SharedSegmentSerializer(serializers.Serializer[dict[str, object]]):
    segment = serializers.CharField(help_text="country:life_stage:interest, or `all` for an area's total")
    area = serializers.CharField(
        help_text="municipality slug, statistics cluster, or `norrbotten` for the region"
    )
    n = serializers.IntegerField(allow_null=True, help_text="number of prospects; null where suppressed")
    mean_score = serializers.FloatField(
        allow_null=True, help_text="mean propensity score; null where suppressed"
    )
    suppressed = serializers.BooleanField()


class SharedSegmentsView(OfferedMethodsOnly, APIView):
    """Aggregate segment statistics across municipalities, with small cells suppressed; every call is logged."""

    @extend_schema(
        responses={
            200: SharedSegmentSerializer(many=True),
            **error_responses(
                403, e403="Not signed in, or not the coordinating team, an analyst or a partner."
            ),
        }
    )
    def get(self, request: Request) -> Response:
        if not can(request.user, Action.VIEW_SHARED_SEGMENTS):
            raise PermissionDenied("Shared segments are for the coordinating team, analysts and partners.")
        recipient = str(request.query_params.get("for", ""))
        rows = shared_segments_export(actor=request.user, channel="api", recipient=recipient)
        return Response(SharedSegmentSerializer(rows, many=True).data)  # type: ignore[arg-type]
