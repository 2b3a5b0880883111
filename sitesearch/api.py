"""The search API as DRF views, so drf-spectacular documents it in /api/schema/ (INTERFACES.md).

The answers are exactly the contract's JSON; the serializers here describe that shape for the schema, the data
comes from the selectors (which decide visibility from the caller's session or token)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from themes.api import OfferedMethodsOnly

from . import selectors, services


class SearchHitSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    type = serializers.ChoiceField(choices=["lesson", "method", "exchange", "sprint"])
    municipality = serializers.CharField(
        allow_null=True, help_text="Municipality slug; null for region-wide pages."
    )
    score = serializers.FloatField(allow_null=True)
    highlight = serializers.CharField(help_text="Escaped HTML excerpt with <mark> around the matched words.")


class SearchAnswerSerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    total = serializers.IntegerField()
    suggestion = serializers.CharField(
        allow_null=True, help_text="The whole corrected query when a did-you-mean applies, else null."
    )
    facets = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per facet (municipality, type, work_package, phase, tag) the visible hits per value.",
    )
    results = SearchHitSerializer(many=True)


class AutocompleteAnswerSerializer(serializers.Serializer[Any]):
    results = serializers.ListField(
        child=serializers.CharField(), help_text="Titles of visible pages and sprints."
    )


class AlwaysJSON(BaseContentNegotiation):
    """The contract's answer is JSON whatever the client's Accept header says (a browser's text/html included)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return (renderers[0], renderers[0].media_type)


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _text(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description=description
    )


class _PublicJSONView(OfferedMethodsOnly, APIView):
    """Open to anonymous readers (each answer holds only what the caller may see), and always JSON."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AlwaysJSON


class SearchAPIView(_PublicJSONView):
    """Search lessons, method cards, exchange meetings and sprints the caller may see."""

    @extend_schema(
        operation_id="search",
        parameters=[
            _text("q", "The query."),
            _text("municipality", "Municipality slug or SCB code."),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=["lesson", "method", "exchange", "sprint"],
            ),
            _text("work_package", "Work package code, e.g. WP1."),
            _text("phase", "Relocation phase code."),
            OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False),
        ],
        responses={200: SearchAnswerSerializer},
    )
    def get(self, request: Request) -> Response:
        page = _page_number(request)
        outcome = selectors.search_everything(
            user=request.user,
            query=request.query_params.get("q", ""),
            filters=selectors.SearchFilters.from_query(request.query_params),
            page=page,
        )
        if page == 1 and outcome.query:
            services.search_query_log(query=outcome.query, hits=outcome.typed_total)
        return Response(outcome.as_json())


class AutocompleteAPIView(_PublicJSONView):
    """Titles starting with the words typed so far (at least two letters), for the search box."""

    @extend_schema(
        operation_id="search_autocomplete",
        parameters=[_text("q", "The words typed so far.")],
        responses={200: AutocompleteAnswerSerializer},
    )
    def get(self, request: Request) -> Response:
        titles = selectors.autocomplete_titles(user=request.user, prefix=request.query_params.get("q", ""))
        return Response({"results": titles})
