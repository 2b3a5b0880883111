"""Pages of insights: the analyst's prospects, upload with progress, model report, segments and pins, shared aggregates."""

from __future__ import annotations

from typing import Any

from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from themes.charts import Chart
from themes.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    chart_download,
    csv_bytes,
    download,
    xlsx_bytes,
)
from themes.models import Municipality
from themes.permissions import Action, can, municipality_of, require
from themes.views import write_and_report

from . import selectors, services
from .charts import calibration_chart, history_charts, lift_chart, shared_history_charts
from .errors import localise
from .factors import (
    STAGE_LABELS,
    aida_rules_in_words,
    describe_prospect_factor,
    describe_segment_factor,
    prospect_factor_value,
    segment_label,
)
from .forms import EraseForm, PinForm, ShareForm, UploadForm
from .models import ImportBatch
from .presentation import SCORE_MEANING, baseline_comparison
from .progress import STEP_LABELS
from .scoring.aida import PHASES_BY_STAGE
from .scoring.schema import COLUMNS, Kind

SCORE_TASK_CACHE = "insights:score-task:{pk}"
ERRORS_ON_PAGE = 100
COLUMN_KIND_LABELS = {
    Kind.TEXT: gettext_lazy("text"),
    Kind.COUNTRY: gettext_lazy("country code (ISO 3166-1 alpha-2), e.g. SE, DE, NL"),
    Kind.INTEGER: gettext_lazy("whole number ≥ 0"),
    Kind.DECIMAL: gettext_lazy("number ≥ 0, decimal comma or point"),
    Kind.BOOLEAN: gettext_lazy("ja/nej"),
    Kind.DATE: gettext_lazy("date, YYYY-MM-DD"),
    Kind.TOKENS: gettext_lazy("words separated by |, e.g. hiking|fishing"),
}
SEGMENT_PAGE_LIMIT = 60
SEGMENT_PAGE_MIN_SIZE = 10


def _own_municipality(request: HttpRequest) -> Municipality:
    """The analyst's municipality; anyone else gets 403 (coordinators see aggregates only)."""
    municipality = municipality_of(request.user)
    if municipality is None:
        raise PermissionDenied(_("Row-level prospects are only shown to the municipality's own analysts."))
    require(request.user, Action.VIEW_PROSPECTS, municipality=municipality)
    return municipality


@login_required
def home(request: HttpRequest) -> HttpResponse:
    municipality = municipality_of(request.user)
    if municipality is None or not can(request.user, Action.VIEW_PROSPECTS, municipality=municipality):
        if can(request.user, Action.VIEW_SHARED_SEGMENTS):
            return redirect("insights:shared")
        raise PermissionDenied(_("Your role does not allow this."))
    counts = selectors.prospect_counts(municipality)
    top = list(selectors.prospects_of(municipality).filter(score__isnull=False).order_by("-score", "pk")[:20])
    factors = services.prospect_factors(actor=request.user, municipality=municipality, prospects=top)
    prospects = [
        {
            "prospect": prospect,
            "factors": [
                {
                    "text": describe_prospect_factor(name, prospect_factor_value(prospect, name)),
                    "up": value >= 0,
                }
                for name, value in factors.get(prospect.pk, [])
            ],
        }
        for prospect in top
    ]
    model = selectors.latest_model(municipality)
    total = counts["prospects"] or 1
    aida = [
        {"stage": stage, "label": STAGE_LABELS[stage], "n": n, "percent": round(100 * n / total)}
        for stage, n in counts["aida"].items()
    ]
    return render(
        request,
        "insights/home.html",
        {
            "municipality": municipality,
            "counts": counts,
            "aida": aida,
            "rules": aida_rules_in_words(),
            "prospects": prospects,
            "model": model,
            "comparison": baseline_comparison(model.metrics) if model else None,
            "score_meaning": SCORE_MEANING,
            "batches": selectors.import_batches_of(municipality)[:5],
            "share_logs": selectors.share_logs_of(municipality)[:10],
            "erase_form": EraseForm(),
            "score_task": cache.get(SCORE_TASK_CACHE.format(pk=municipality.pk)),
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    require(request.user, Action.IMPORT_PROSPECTS, municipality=municipality)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        batch = services.import_batch_create(
            actor=request.user,
            municipality=municipality,
            upload=form.cleaned_data["file"],
            source=form.cleaned_data["source"],
        )
        return redirect("insights:batch", pk=batch.pk)
    return render(
        request,
        "insights/upload.html",
        {"form": form, "municipality": municipality, "columns": COLUMNS},
    )


@login_required
@require_GET
def upload_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """An empty prospect file with the Swedish headers the importer accepts (CSV or XLSX; the XLSX also explains
    each column), through the one exports module with its formula guard."""
    _own_municipality(request)
    header = [column.alias for column in COLUMNS]
    if fmt == "csv":
        return download(
            csv_bytes([header]), content_type=CSV_CONTENT_TYPE, filename="stigar-prospekt-mall.csv"
        )
    if fmt != "xlsx":
        raise Http404
    legend = [
        [
            column.alias,
            column.name,
            _("yes") if column.required else _("no"),
            ", ".join(word for word in column.values if word not in column.codes) or ", ".join(column.codes)
            if column.values
            else str(COLUMN_KIND_LABELS.get(column.kind, column.kind)),
        ]
        for column in COLUMNS
    ]
    body = xlsx_bytes(
        [
            Sheet(_("Prospects"), header, [], widths=[max(12, len(name) + 2) for name in header]),
            Sheet(
                _("Columns"),
                [_("Column"), _("English"), _("Required"), _("Values")],
                legend,
                widths=[24, 20, 10, 60],
            ),
        ]
    )
    return download(body, content_type=XLSX_CONTENT_TYPE, filename="stigar-prospekt-mall.xlsx")


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    municipality = _own_municipality(request)
    # A batch whose worker died is noticed here too, not only by beat (which may not be running).
    services.import_batches_reap(municipality=municipality)
    return get_object_or_404(
        ImportBatch.objects.select_related("uploaded_by"), pk=pk, municipality=municipality
    )


@login_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = _batch(request, pk)
    return render(
        request,
        "insights/batch.html",
        {
            "batch": found,
            "errors": [localise(entry) for entry in found.errors[:ERRORS_ON_PAGE]],
            "warnings": [localise(entry) for entry in found.warnings[:ERRORS_ON_PAGE]],
            "errors_on_page": ERRORS_ON_PAGE,
            "retryable": services.import_batch_retryable(found),
            "cancellable": found.status == ImportBatch.Status.QUEUED
            or services.import_batch_retryable(found),
        },
    )


@login_required
@require_GET
def batch_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole error report of an import (every error, not only those on the page), in the reader's language."""
    found = _batch(request, pk)
    entries = services.import_batch_error_report(found)
    rows: list[list[Any]] = [[_("Row"), _("Column"), _("Problem")]]
    rows += [
        [entry["row"] if entry["row"] is not None else "", entry["column"] or "", entry["message"]]
        for entry in entries
    ]
    return download(
        csv_bytes(rows),
        content_type=CSV_CONTENT_TYPE,
        filename=f"import-{found.pk}-{found.created_at:%Y-%m-%d}-errors.csv",
    )


@login_required
def batch_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase an import batch everywhere, after a confirmation page that says what goes."""
    found = _batch(request, pk)
    require(request.user, Action.IMPORT_PROSPECTS, municipality=found.municipality)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            report = services.import_batch_erase(actor=request.user, batch=found)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("insights:batch", pk=found.pk)
        messages.success(
            request,
            _(
                "The import %(name)s has been erased: %(n)s prospects removed; segments and shared figures are "
                "recomputed by a new scoring run."
            )
            % {"name": found.file_name, "n": report.prospects},
        )
        return redirect("insights:home")
    prospects = selectors.prospects_of(found.municipality).filter(batch=found)
    return render(
        request,
        "insights/batch_erase.html",
        {
            "batch": found,
            "prospects": prospects.count(),
            "segments": prospects.values("segment_key").distinct().count(),
        },
    )


@login_required
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    found = _batch(request, pk)
    write_and_report(
        request,
        lambda: services.import_batch_retry(actor=request.user, batch=found),
        done=_("The import has been queued again."),
    )
    return redirect("insights:batch", pk=found.pk)


@login_required
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = _batch(request, pk)
    write_and_report(
        request,
        lambda: services.import_batch_cancel(actor=request.user, batch=found),
        done=_("The import has been cancelled and its file deleted."),
    )
    return redirect("insights:batch", pk=found.pk)


def _task_progress(task_id: str) -> dict[str, Any]:
    if not task_id:
        return {}
    result = AsyncResult(task_id)
    info = result.info if result.state == "PROGRESS" and isinstance(result.info, dict) else {}
    step = str(info.get("step", ""))
    return {
        "state": result.state,
        "step": str(STEP_LABELS.get(step, step)),
        "percent": int(info.get("percent", 0)),
    }


@login_required
@require_GET
def batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    found = _batch(request, pk)
    # Progress as the worker stored it in the database (every web process sees the same): one bar from validation
    # to scores (insights.progress); an imported file is finished when the scoring run after it is.
    stored = found.progress or {}
    scoring = services.import_batch_scoring_state(found)
    finished = found.status in (ImportBatch.Status.REJECTED, ImportBatch.Status.FAILED) or (
        found.status == ImportBatch.Status.IMPORTED and scoring not in ("queued", "running")
    )
    step = "" if finished else str(stored.get("step", ""))
    percent = 100 if finished else int(stored.get("percent", 0))
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "finished": finished,
            "percent": percent,
            "step": str(STEP_LABELS.get(step, step)),
            "scoring": scoring,
            "imported": found.imported,
            "skipped_no_consent": found.skipped_no_consent,
            "error_count": found.error_count,
            "errors": [
                {key: entry[key] for key in ("row", "column", "message")}
                for entry in map(localise, found.errors[:ERRORS_ON_PAGE])
            ],
        }
    )


@login_required
@require_POST
def score(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    try:
        task_id = services.scoring_queue(actor=request.user, municipality=municipality)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("insights:home")
    cache.set(SCORE_TASK_CACHE.format(pk=municipality.pk), task_id, 3600)
    messages.success(request, _("Scoring has been queued; the progress is shown below."))
    return redirect("insights:home")


@login_required
@require_GET
def score_status(request: HttpRequest) -> JsonResponse:
    municipality = _own_municipality(request)
    task_id = cache.get(SCORE_TASK_CACHE.format(pk=municipality.pk)) or ""
    progress = _task_progress(task_id)
    finished = progress.get("state") in ("SUCCESS", "FAILURE")
    return JsonResponse(
        {
            "status": progress.get("state", "").lower(),
            "finished": finished,
            "percent": 100 if finished else progress.get("percent", 0),
            "step": progress.get("step", ""),
        }
    )


@login_required
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    form = EraseForm(request.POST)
    if form.is_valid():
        if services.prospect_erase(
            actor=request.user, municipality=municipality, prospect_ref=form.cleaned_data["prospect_ref"]
        ):
            messages.success(request, _("The prospect has been erased."))
        else:
            messages.warning(request, _("No prospect with that id was stored."))
    return redirect("insights:home")


@login_required
def model_report(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    version = selectors.latest_model(municipality)
    charts = []
    if version and version.metrics:
        charts = [
            calibration_chart(version.metrics["calibration_curve"]),
            lift_chart(version.metrics["lift_by_decile"]),
        ]
    return render(
        request,
        "insights/model.html",
        {
            "municipality": municipality,
            "version": version,
            "metrics": version.metrics if version else {},
            "comparison": baseline_comparison(version.metrics) if version else None,
            "score_meaning": SCORE_MEANING,
            "charts": charts,
            "versions": selectors.model_versions_of(municipality)[:10],
        },
    )


@login_required
def segments(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    pins = selectors.pins_of(municipality)
    # Pinned segments first, then the most promising; a page of hundreds of tiny segments helps nobody.
    chosen = sorted(
        (s for s in selectors.segments_of(municipality) if s.key in pins or s.size >= SEGMENT_PAGE_MIN_SIZE),
        key=lambda s: (s.key not in pins, -(s.mean_score or 0)),
    )[:SEGMENT_PAGE_LIMIT]
    lineage = selectors.segment_lineage(municipality)
    rows = []
    for segment in chosen:
        pin = pins.get(segment.key)
        total = segment.size or 1
        rows.append(
            {
                "segment": segment,
                "label": segment_label(segment.key),
                "aida": [
                    {"label": STAGE_LABELS[stage], "n": n, "percent": round(100 * n / total)}
                    for stage, n in segment.aida_mix.items()
                ],
                "factors": [
                    {"text": describe_segment_factor(name, value), "up": value >= 0}
                    for name, value in segment.top_factors
                ],
                "pin": pin,
                "lineage": lineage.get(segment.key, []),
                "form": PinForm(
                    initial={"segment_key": segment.key, "note": pin.note if pin else "", "pinned": True}
                ),
            }
        )
    return render(
        request,
        "insights/segments.html",
        {"municipality": municipality, "rows": rows, "phases_by_stage": PHASES_BY_STAGE},
    )


@login_required
@require_POST
def segment_pin(request: HttpRequest) -> HttpResponse:
    municipality = _own_municipality(request)
    form = PinForm(request.POST)
    if form.is_valid():
        services.segment_pin(
            actor=request.user,
            municipality=municipality,
            segment_key=form.cleaned_data["segment_key"],
            note=form.cleaned_data["note"],
            pinned=form.cleaned_data["pinned"],
        )
        messages.success(request, _("The segment pin has been saved."))
    return redirect("insights:segments")


@login_required
def shared(request: HttpRequest) -> HttpResponse:
    """Shared aggregates; showing them is an export to the viewer, so it is logged like any other share."""
    require(request.user, Action.VIEW_SHARED_SEGMENTS)
    form = ShareForm(request.GET or None)
    recipient = form.cleaned_data["recipient"] if form.is_valid() else ""
    rows = services.shared_segments_export(actor=request.user, channel="page", recipient=recipient)
    published = [
        dict(row, label=_("All segments") if row["segment"] == "all" else segment_label(row["segment"]))
        for row in rows
        if not row["suppressed"]
    ]
    published.sort(key=lambda row: (row["segment"] != "all", -(row["mean_score"] or 0)))
    return render(
        request,
        "insights/shared.html",
        {
            "rows": published,
            "suppressed": sum(1 for row in rows if row["suppressed"]),
            "form": form,
            "score_meaning": SCORE_MEANING,
        },
    )


# --- the stage history ---------------------------------------------------------------------------------


def _own_history(municipality: Municipality) -> dict[str, Chart]:
    return history_charts(selectors.stage_counts_by_month(municipality), selectors.stage_flows(municipality))


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """The analyst's own municipality over time: stage counts per month, the funnel, flows and conversions."""
    municipality = _own_municipality(request)
    charts = _own_history(municipality)
    return render(
        request,
        "insights/history.html",
        {
            "municipality": municipality,
            "charts": charts,
            "batches": selectors.imported_batches_of(municipality),
        },
    )


@login_required
def history_data(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    municipality = _own_municipality(request)
    charts = _own_history(municipality)
    if chart not in charts:
        raise Http404(_("No such chart."))
    return chart_download(charts[chart], fmt, stem=f"stigar-{municipality.slug}-{chart}")


SHARED_HISTORY_CHARTS = ("shared-stages", "shared-funnel", "shared-funnel-over-time", "shared-by-area")


def _area_labels() -> dict[str, str]:
    labels = {str(value): str(label) for value, label in Municipality.Cluster.choices}
    labels.update({m.slug: m.name for m in Municipality.objects.filter(cluster="")})
    return labels


@login_required
def shared_history(request: HttpRequest) -> HttpResponse:
    """The shared funnel over time (suppressed aggregates); viewing it is a share, logged like the segments."""
    require(request.user, Action.VIEW_SHARED_SEGMENTS)
    form = ShareForm(request.GET or None)
    recipient = form.cleaned_data["recipient"] if form.is_valid() else ""
    shared = services.shared_stage_history_view(actor=request.user, channel="page", recipient=recipient)
    return render(
        request,
        "insights/shared_history.html",
        {
            "charts": shared_history_charts(shared, _area_labels()),
            "suppressed": shared.suppressed,
            "threshold": shared.threshold,
            "form": form,
            "recipient": recipient,
        },
    )


@login_required
def shared_history_data(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    require(request.user, Action.VIEW_SHARED_SEGMENTS)
    if fmt not in ("csv", "xlsx") or chart not in SHARED_HISTORY_CHARTS:
        raise Http404(_("No such chart."))
    form = ShareForm(request.GET or None)
    recipient = form.cleaned_data["recipient"] if form.is_valid() else ""
    shared = services.shared_stage_history_view(actor=request.user, channel=fmt, recipient=recipient)
    charts = shared_history_charts(shared, _area_labels())
    if chart not in charts:
        raise Http404(_("No such chart."))
    return chart_download(charts[chart], fmt, stem=f"stigar-{chart}")
