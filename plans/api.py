"""REST API of the plans app (INTERFACES.md): `/api/action-plans/?municipality=`, the plans the caller may see."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from themes.api import OfferedMethodsOnly, error_responses
from themes.models import Municipality
from themes.permissions import visible_levels
from themes.selectors import municipality_by_code

from . import selectors
from .models import ActionPlan, Activity


class NeedSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="The need or friction point (“skav”).")
    value_chain = serializers.CharField(help_text="Value-chain step code (DOMAIN.md), e.g. physical.")
    phase = serializers.CharField(help_text="Relocation phase code (DOMAIN.md), e.g. move.")


class GoalSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField()
    baseline = serializers.FloatField()
    target = serializers.FloatField()
    due = serializers.DateField()
    progress = serializers.FloatField(
        allow_null=True,
        help_text="Share of the way from baseline to target reached by the latest reading (1 = target reached; "
        "below 0 or above 1 when it moved away or went past), from a receiving-capacity indicator or the linked "
        "sprints' results; null without a reading.",
    )


class ActivitySerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Activity.Status.choices)
    sprints = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the linked sprints the caller may see (/api/sprints/<id>/).",
    )


class ActionPlanSerializer(serializers.Serializer[Any]):
    municipality = serializers.CharField(help_text="Municipality slug.")
    period = serializers.CharField(help_text="A year (2026) or a span of years (2026-2027).")
    status = serializers.ChoiceField(choices=ActionPlan.Status.choices)
    needs = NeedSerializer(many=True)
    goals = GoalSerializer(many=True)
    activities = ActivitySerializer(many=True)


class ActionPlanList(OfferedMethodsOnly, APIView):
    """Action plans the caller may see (by the visibility levels of sprints), each with its current content."""

    @extend_schema(
        operation_id="action_plans_list",
        parameters=[
            OpenApiParameter("municipality", OpenApiTypes.STR, description="Municipality slug or SCB code"),
        ],
        responses={
            200: ActionPlanSerializer(many=True),
            **error_responses(400, e400="An unknown municipality."),
        },
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("municipality", "").strip()
        municipality = None
        if code:
            try:
                municipality = municipality_by_code(code)
            except Municipality.DoesNotExist as error:
                raise ValidationError({"municipality": f"Unknown municipality: {code}"}) from error
        documents = selectors.plan_documents(levels=visible_levels(request.user), municipality=municipality)
        return Response(documents)
