"""REST API for sprints and their results (INTERFACES.md): serializers validate, the services write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from themes.api import CodeField, OfferedMethodsOnly, error_responses, service_refusal
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage
from themes.permissions import Action, require, require_correct_sprint

from . import selectors, services
from .models import Result, Sprint, Status


class ResultSerializer(serializers.ModelSerializer[Result]):
    target_met = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Result
        fields = [
            "id",
            "metric",
            "unit",
            "baseline",
            "target",
            "actual",
            "date",
            "evidence_note",
            "target_met",
        ]
        read_only_fields = ["id"]


class SprintSerializer(serializers.ModelSerializer[Sprint]):
    municipality = CodeField(slug_field="slug", queryset=Municipality.objects.all())
    work_package = CodeField(slug_field="code", queryset=WorkPackage.objects.all())
    value_chain_step = CodeField(
        slug_field="code", queryset=ValueChainStep.objects.all(), allow_null=True, required=False
    )
    phase = CodeField(
        slug_field="code",
        many=True,
        source="relocation_phases",
        queryset=RelocationPhase.objects.all(),
        help_text="Relocation phase codes (DOMAIN.md).",
    )
    method = CodeField(slug_field="code", queryset=SprintMethod.objects.all())
    status = serializers.ChoiceField(choices=Status.choices, default=Status.IDEA)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)
    url = serializers.SerializerMethodField(help_text="The sprint's page in the portal.")

    class Meta:
        model = Sprint
        fields = [
            "id",
            "title",
            "slug",
            "municipality",
            "work_package",
            "value_chain_step",
            "phase",
            "method",
            "status",
            "start",
            "end",
            "goal",
            "hypothesis",
            "visibility",
            "position",
            "team_note",
            "url",
        ]
        read_only_fields = ["id", "slug", "position", "url"]

    def get_url(self, sprint: Sprint) -> str:
        return sprint.get_absolute_url()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise ValidationError({"end": "The end date cannot be before the start date."})
        if (
            self.instance is not None
            and "municipality" in attrs
            and attrs["municipality"] != self.instance.municipality
        ):
            raise ValidationError({"municipality": "A sprint cannot move to another municipality."})
        if "relocation_phases" in attrs and not attrs["relocation_phases"]:
            raise ValidationError({"phase": "Choose at least one relocation phase."})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Sprint:
        try:
            return services.sprint_create(actor=self.context["request"].user, **validated_data)
        except DjangoValidationError as error:
            raise service_refusal(error) from error

    def update(self, instance: Sprint, validated_data: dict[str, Any]) -> Sprint:
        actor = self.context["request"].user
        validated_data.pop("municipality", None)
        new_status = validated_data.pop("status", None)
        try:
            with transaction.atomic():
                if validated_data:
                    instance = services.sprint_update(actor=actor, sprint=instance, changes=validated_data)
                if new_status is not None and new_status != instance.status:
                    instance = services.sprint_move(actor=actor, sprint=instance, status=new_status)
        except DjangoValidationError as error:
            raise service_refusal(error) from error
        return instance


FILTERS = [
    OpenApiParameter("municipality", OpenApiTypes.STR, description="Municipality slug or SCB code"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    OpenApiParameter("work_package", OpenApiTypes.STR, description="Work package code, e.g. WP1"),
    OpenApiParameter("phase", OpenApiTypes.STR, description="Relocation phase code, e.g. visit"),
    OpenApiParameter("method", OpenApiTypes.STR, description="Sprint method code, e.g. test-week"),
]


_NOT_YOURS = "Not signed in, or the sprint is another municipality's (only its lead and the coordinating team edit it)."


@extend_schema_view(
    list=extend_schema(
        parameters=FILTERS,
        responses={
            200: SprintSerializer(many=True),
            **error_responses(
                400, 404, e400="An unknown status value.", e404="A page number past the last page."
            ),
        },
    ),
    create=extend_schema(
        responses={
            201: SprintSerializer,
            **error_responses(
                400, 403, e403="Not signed in, or not the lead of that municipality (nor coordinating)."
            ),
        }
    ),
    retrieve=extend_schema(responses={200: SprintSerializer, **error_responses(404)}),
    update=extend_schema(
        responses={200: SprintSerializer, **error_responses(400, 403, 404, e403=_NOT_YOURS)}
    ),
    partial_update=extend_schema(
        responses={200: SprintSerializer, **error_responses(400, 403, 404, e403=_NOT_YOURS)}
    ),
)
class SprintViewSet(
    OfferedMethodsOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Sprint],
):
    """Sprints the caller may see (anonymous callers: public ones). Writes need a login and the right municipality."""

    serializer_class = SprintSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The right to edit is checked before the body is looked at: an empty or no-op PATCH on another
        # municipality's sprint is refused (403) as a real change is, not answered 200 because nothing changed;
        # a sprint the caller cannot see stays 404 (get_object).
        sprint = self.get_object()
        require(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality)
        return super().update(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Sprint]:
        queryset = (
            selectors.visible_sprints(self.request.user)
            .select_related("municipality", "work_package", "value_chain_step", "method")
            .prefetch_related(
                Prefetch("relocation_phases", queryset=RelocationPhase.objects.order_by("sort_order"))
            )
            .order_by("municipality__name", "status", "position", "pk")
        )
        if self.action != "list":
            return queryset
        query = self.request.query_params
        if query.get("status") and query["status"] not in Status.values:
            # A filter that cannot match is a mistake in the request, not an empty answer.
            raise ValidationError(
                {
                    "status": _("Unknown status %(value)s; use one of: %(choices)s.")
                    % {"value": query["status"], "choices": ", ".join(Status.values)}
                }
            )
        municipality = query.get("municipality", "").strip().lower()
        if municipality:
            field = "municipality__scb_code" if municipality.isdigit() else "municipality__slug"
            queryset = queryset.filter(**{field: municipality})
        for parameter, lookup in (
            ("status", "status"),
            ("work_package", "work_package__code"),
            ("method", "method__code"),
        ):
            if query.get(parameter):
                queryset = queryset.filter(**{lookup: query[parameter]})
        if query.get("phase"):
            queryset = queryset.filter(
                pk__in=Sprint.relocation_phases.through.objects.filter(
                    relocationphase__code=query["phase"]
                ).values("sprint_id")
            )
        return queryset

    @extend_schema(methods=["GET"], responses={200: ResultSerializer(many=True), **error_responses(404)})
    @extend_schema(
        methods=["POST"],
        request=ResultSerializer,
        responses={201: ResultSerializer, **error_responses(400, 403, 404, e403=_NOT_YOURS)},
    )
    @action(detail=True, methods=["get", "post"], serializer_class=ResultSerializer, pagination_class=None)
    def results(self, request: Request, pk: str | None = None) -> Response:
        """The sprint's results (GET), or log a new one (POST)."""
        sprint = self.get_object()
        if request.method == "GET":
            results = Result.objects.filter(sprint=sprint).order_by("date", "pk")
            return Response(ResultSerializer(results, many=True).data)
        serializer = ResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.result_log(actor=request.user, sprint=sprint, **serializer.validated_data)
        except DjangoValidationError as error:
            raise service_refusal(error) from error
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        request=ResultSerializer,
        responses={200: ResultSerializer, **error_responses(400, 403, 404, e403=_NOT_YOURS)},
        description="Correct a result: only the fields sent change; the old and new values go into the sprint's "
        "history. Needs the right to edit the sprint (its municipality's lead, or the coordinating team): 403 "
        "otherwise, 404 for a sprint the caller cannot see or a result that is not the sprint's or was removed.",
    )
    @extend_schema(
        methods=["DELETE"],
        responses={204: None, **error_responses(403, 404, e403=_NOT_YOURS)},
        description="Remove a result from every figure (a soft delete: the history keeps what was removed). "
        "Same rights as PATCH.",
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"results/(?P<result_id>[0-9]+)",
        serializer_class=ResultSerializer,
        pagination_class=None,
    )
    def result(self, request: Request, pk: str | None = None, result_id: str | None = None) -> Response:
        """Correct (PATCH) or remove (DELETE) one of the sprint's results."""
        sprint = self.get_object()
        # Refused before the body is validated: someone without the right learns nothing from a 400.
        require_correct_sprint(request.user, municipality=sprint.municipality)
        item = get_object_or_404(
            Result.objects.select_related("sprint__municipality"), sprint=sprint, pk=result_id
        )
        try:
            if request.method == "DELETE":
                services.result_remove(actor=request.user, result=item)
                return Response(status=status.HTTP_204_NO_CONTENT)
            serializer = ResultSerializer(item, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            corrected = services.result_correct(
                actor=request.user, result=item, changes=serializer.validated_data
            )
        except DjangoValidationError as error:
            raise service_refusal(error) from error
        return Response(ResultSerializer(corrected).data)
