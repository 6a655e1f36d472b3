"""Pages (staff only): training runs (start, follow live, cancel), model versions (promote,
roll back, (de)activate, import weights), evaluations, re-scoring and comparisons."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from webapp.accounts.selectors import request_user
from webapp.core.errors import object_or_404
from webapp.core.forms import (
    error_text,
    form_add_errors,
    form_page,
    redirect_with_success,
)
from webapp.core.permissions import staff_required
from webapp.core.uploads import too_large_message, upload_too_large
from webapp.models_registry import services as version_services
from webapp.models_registry.models import ModelVersion
from webapp.training_runs import selectors, services
from webapp.training_runs.forms import (
    EvaluationForm,
    ImportWeightsForm,
    RescoreForm,
    TrainingRunForm,
)
from webapp.training_runs.models import TrainingRun
from webapp.videos.models import Analysis

RESCORE_CANDIDATES = 50


def _run_or_404(pk) -> TrainingRun:
    return object_or_404(selectors.training_run_get, pk=pk)


def _version_or_404(pk: int) -> ModelVersion:
    return object_or_404(ModelVersion.objects.get, pk=pk)


@staff_required
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    def start(form: TrainingRunForm) -> HttpResponse:
        run = services.training_run_start(
            dataset=form.cleaned_data["dataset"], base_version=form.cleaned_data["base_version"],
            options=form.settings_values(), created_by=request_user(request))
        return redirect_with_success(request, "Training run queued.", "training:run", pk=run.pk)

    return form_page(request, TrainingRunForm(request.POST or None), submit=start,
                     template="training/runs.html",
                     context=lambda: {"runs": selectors.training_run_list()[:100]})


@staff_required
@require_GET
def run_detail(request: HttpRequest, pk) -> HttpResponse:
    run = _run_or_404(pk)
    best = run.best or {}
    labels = best.get("labels") or run.labels
    matrix = [{"label": label, "row": row}
              for label, row in zip(labels, best.get("confusion_matrix") or [], strict=False)]
    per_class = [{"label": label, **values}
                 for label, values in (best.get("per_class") or {}).items()]
    return render(request, "training/run.html", {
        "run": run, "matrix": matrix, "labels": labels, "per_class": per_class,
        "cv": _cv_percent(best), "optimism": best.get("optimism"),
        "threshold": best.get("threshold_at_precision"),
        "target_precision": run.settings.get("target_precision"),
        "settings_items": sorted(run.settings.items())})


def _cv_percent(best: dict) -> dict | None:
    """The run's cross-validation summary in percent, for the page."""
    cv = best.get("cv")
    if not cv:
        return None
    return {**cv, **{key: 100 * cv[key] for key in ("accuracy_mean", "accuracy_std",
                                                    "macro_f1_mean", "macro_f1_std")},
            "fold_accuracy": [100 * a for a in best.get("cv_fold_accuracy") or []],
            "gap": 100 * (best.get("optimism") or {}).get("gap", 0.0)}


@staff_required
@require_GET
def run_progress(request: HttpRequest, pk) -> JsonResponse:
    return JsonResponse(selectors.run_progress(_run_or_404(pk)))


@staff_required
@require_POST
def run_cancel(request: HttpRequest, pk) -> HttpResponse:
    run = services.training_run_cancel(run=_run_or_404(pk))
    messages.info(request, "Cancelled." if run.status == "cancelled"
                  else "Cancel requested: the run stops before its next batch.")
    return redirect("training:run", pk=run.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def version_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and upload_too_large(request):
        messages.error(request, too_large_message())
        return redirect("training:versions")

    def import_weights(form: ImportWeightsForm) -> HttpResponse:
        version = version_services.model_version_import(
            upload=form.cleaned_data["file"], arch=form.cleaned_data["arch"],
            labels=form.cleaned_data["labels"], name=form.cleaned_data["name"],
            description=form.cleaned_data["description"], created_by=request_user(request))
        return redirect_with_success(request, f"Imported {version.name}.", "training:versions")

    return form_page(
        request, ImportWeightsForm(request.POST or None, request.FILES or None),
        submit=import_weights, template="training/versions.html",
        context=lambda: {"versions": ModelVersion.objects.select_related(
            "training_run", "dataset").order_by("-is_default", "-is_active", "-created_at")})


def _version_action(request: HttpRequest, fn, **kwargs) -> HttpResponse:
    try:
        version = fn(**kwargs)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{version.name}: done.")
    return redirect("training:versions")


@staff_required
@require_POST
def version_promote(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_action(request, version_services.model_version_set_default,
                           version=_version_or_404(pk), by=request_user(request),
                           force=request.POST.get("force") == "1")


@staff_required
@require_POST
def version_rollback(request: HttpRequest) -> HttpResponse:
    return _version_action(request, version_services.model_version_rollback)


@staff_required
@require_POST
def version_active(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_action(request, version_services.model_version_set_active,
                           version=_version_or_404(pk), active=request.POST.get("active") == "1")


@staff_required
@require_http_methods(["GET", "POST"])
def evaluation_list(request: HttpRequest) -> HttpResponse:
    initial = {"version": request.GET.get("version")} if request.GET.get("version") else None

    def start(form: EvaluationForm) -> HttpResponse:
        services.evaluation_start(
            version=form.cleaned_data["version"], dataset=form.cleaned_data["dataset"],
            split=form.cleaned_data["split"], created_by=request_user(request))
        return redirect_with_success(request, "Evaluation queued.", "training:evaluations")

    return form_page(request, EvaluationForm(request.POST or None, initial=initial),
                     submit=start, template="training/evaluations.html",
                     context=lambda: {"evaluations": selectors.evaluation_list()[:100]})


@staff_required
@require_http_methods(["GET", "POST"])
def rescore(request: HttpRequest) -> HttpResponse:
    candidates = list(selectors.rescore_candidates(limit=RESCORE_CANDIDATES))
    form = RescoreForm(request.POST or None, analyses=candidates)
    created: list[tuple[Analysis, Analysis]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = [a for a in candidates if str(a.pk) in set(form.cleaned_data["analyses"])]
            try:
                new = services.analyses_rescore(analyses=chosen,
                                                version=form.cleaned_data["version"],
                                                created_by=request_user(request))
            except ValidationError as exc:
                form_add_errors(form, exc)
                status = 400
            else:
                created = list(zip(chosen, new, strict=True))
                messages.success(request, f"{len(new)} analyses queued.")
        else:
            status = 400
    return render(request, "training/rescore.html",
                  {"form": form, "candidates": candidates, "created": created}, status=status)


@staff_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    try:
        a = selectors.analysis_get_any(pk=request.GET.get("a", ""))
        b = selectors.analysis_get_any(pk=request.GET.get("b", ""))
        changes = selectors.analyses_compare(a=a, b=b)
    except (Analysis.DoesNotExist, ValidationError, ValueError):
        raise Http404("no such pair of analyses of one video") from None
    return render(request, "training/compare.html", {
        "a": a, "b": b, "changes": changes,
        "changed": sum(1 for c in changes if c.changed)})
