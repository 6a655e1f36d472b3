"""Pages (staff only): datasets, imports, export, clips, feedback → clips; result feedback."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training.datasets import TRAIN_SPLITS, ManifestError
from webapp.accounts.decorators import login_or_token_required
from webapp.accounts.selectors import request_user
from webapp.core.errors import object_or_404
from webapp.core.filters import page_filter
from webapp.core.forms import form_add_errors, form_page, redirect_with_success
from webapp.core.http import file_response
from webapp.core.permissions import staff_required
from webapp.core.uploads import too_large_message, upload_too_large
from webapp.datasets import selectors, services
from webapp.datasets.exports import export_response
from webapp.datasets.filters import DatasetClipFilter
from webapp.datasets.forms import (
    AddFeedbackForm,
    ClipFromVideoForm,
    DatasetForm,
    FeedbackForm,
    ImportForm,
    ResplitForm,
)
from webapp.datasets.models import Dataset, DatasetClip, Feedback
from webapp.videos import selectors as video_selectors
from webapp.videos.models import Event, Segment

CLIPS_PER_PAGE = 24
FEEDBACK_PER_PAGE = 50


def _dataset_or_404(pk: int) -> Dataset:
    return object_or_404(selectors.dataset_get, pk=pk)


def _clip_or_404(dataset: Dataset, pk: int) -> DatasetClip:
    return object_or_404(selectors.clip_get, dataset=dataset, pk=pk)


@staff_required
@require_http_methods(["GET", "POST"])
def dataset_list(request: HttpRequest) -> HttpResponse:
    def create(form: DatasetForm) -> HttpResponse:
        dataset = services.dataset_create(created_by=request_user(request), **form.cleaned_data)
        return redirect_with_success(request, f"Dataset {dataset.name!r} created.",
                                     "datasets:detail", pk=dataset.pk)

    return form_page(request, DatasetForm(request.POST or None), submit=create,
                     template="datasets/list.html", context=lambda: {
                         "datasets": selectors.dataset_list(),
                         "feedback_waiting": selectors.feedback_list(unused=True).count()})


def _detail(request: HttpRequest, dataset: Dataset, *, import_form: ImportForm | None = None,
            resplit_form: ResplitForm | None = None,
            clip_form: ClipFromVideoForm | None = None, status: int = 200) -> HttpResponse:
    clips, problems = page_filter(DatasetClipFilter, request.GET,
                                  queryset=selectors.clip_list(dataset=dataset))
    for problem in problems:
        messages.warning(request, f"Filter ignored: {problem}")
    bad = {problem.split(":", 1)[0] for problem in problems}
    split = "" if "split" in bad else request.GET.get("split", "")
    label = "" if "label" in bad else request.GET.get("label", "")
    page = Paginator(clips, CLIPS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "datasets/detail.html", {
        "dataset": dataset, "stats": selectors.dataset_stats(dataset=dataset), "page": page,
        "split": split, "label": label, "query": query.urlencode(), "splits": TRAIN_SPLITS,
        "import_form": import_form or ImportForm(),
        "resplit_form": resplit_form or ResplitForm(),
        "imports": selectors.import_list(dataset=dataset)[:5],
        "clip_form": clip_form or ClipFromVideoForm(user=request.user),
    }, status=status)


@staff_required
@require_GET
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _dataset_or_404(pk))


@staff_required
@require_POST
def dataset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    services.dataset_delete(dataset=dataset)
    return redirect_with_success(request, f"Dataset {dataset.name!r} deleted.", "datasets:list")


@staff_required
@require_POST
def dataset_import(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    form = ImportForm(request.POST, request.FILES)
    if upload_too_large(request):
        form = ImportForm(request.POST)
        form.add_error(None, too_large_message())
        return _detail(request, dataset, import_form=form, status=413)
    if not form.is_valid():
        return _detail(request, dataset, import_form=form, status=400)
    try:
        job = services.dataset_import_start(
            dataset=dataset, user=request_user(request), kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"], fractions=form.fractions(),
            seed=form.cleaned_data["seed"],
            half_window_sec=form.cleaned_data["half_window_sec"])
    except ValidationError as exc:
        form_add_errors(form, exc)
        return _detail(request, dataset, import_form=form, status=400)
    messages.info(request, f"Import of {job.original_name} queued: every clip is checked "
                           "first, then stored.")
    return redirect(reverse("datasets:detail", args=[dataset.pk]) + "#imports")


@staff_required
@require_POST
def clip_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Cut a time range of one of your uploaded videos into a clip."""
    dataset = _dataset_or_404(pk)
    form = ClipFromVideoForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            clip = services.dataset_clip_add_from_video(
                dataset=dataset, video=data["video"], start_sec=data["start_sec"],
                end_sec=data["end_sec"], label=data["label"], split=data["split"])
        except ManifestError as exc:
            form.add_error(None, [reason for _, reason in exc.problems])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect_with_success(
                request, f"Added a {clip.duration_sec:.1f} s clip ({clip.label}, {clip.split}).",
                "datasets:detail", pk=dataset.pk)
    return _detail(request, dataset, clip_form=form, status=400)


@staff_required
@require_POST
def dataset_resplit(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    form = ResplitForm(request.POST)
    if not form.is_valid():
        return _detail(request, dataset, resplit_form=form, status=400)
    try:
        counts = services.dataset_resplit(dataset=dataset, fractions=form.fractions(),
                                          seed=form.cleaned_data["seed"])
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _detail(request, dataset, resplit_form=form, status=400)
    split_counts = ", ".join(f"{split} {n}" for split, n in counts.items())
    return redirect_with_success(request, f"Re-split by source video: {split_counts}.",
                                 "datasets:detail", pk=dataset.pk)


@staff_required
@require_GET
def dataset_export(request: HttpRequest, pk: int) -> HttpResponse:
    # A streamed FileResponse; core's staff_required types views as returning HttpResponse.
    return export_response(dataset=_dataset_or_404(pk),  # type: ignore[return-value]
                           splits=request.GET.getlist("split") or None)


@staff_required
@require_POST
def clip_delete(request: HttpRequest, pk: int, clip_pk: int) -> HttpResponse:
    dataset = _dataset_or_404(pk)
    services.dataset_clip_delete(clip=_clip_or_404(dataset, clip_pk))
    back = reverse("datasets:detail", args=[dataset.pk])
    query = request.POST.get("next_query")
    return redirect_with_success(request, "Clip deleted.", f"{back}?{query}" if query else back)


@login_or_token_required
@require_GET
def clip_file(request: HttpRequest, pk: int, clip_pk: int) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404("no such clip")
    clip = _clip_or_404(_dataset_or_404(pk), clip_pk)
    return file_response(request, clip.file)


@staff_required
@require_http_methods(["GET", "POST"])
def feedback_list(request: HttpRequest) -> HttpResponse:
    """Everyone's verdicts; staff tick some and add them to a dataset as clips."""
    unused = request.GET.get("all") != "1"
    items = selectors.feedback_list(unused=unused)
    form = AddFeedbackForm(request.POST or None)
    status = 200
    error = None
    if request.method == "POST":
        chosen = Feedback.objects.select_related("analysis__video", "segment", "event") \
            .filter(pk__in=[v for v in request.POST.getlist("feedback") if v.isdigit()])
        if form.is_valid():
            try:
                clips = services.feedback_add_to_dataset(
                    dataset=form.cleaned_data["dataset"], feedback=list(chosen),
                    split=form.cleaned_data["split"])
            except ManifestError as exc:
                error, status = exc, 400
            except ValidationError as exc:
                form.add_error(None, exc.messages)
                status = 400
            else:
                dataset = form.cleaned_data["dataset"]
                return redirect_with_success(
                    request, f"Added {len(clips)} clip(s) to {dataset.name!r}.",
                    "datasets:detail", pk=dataset.pk)
        else:
            status = 400
    page = Paginator(items, FEEDBACK_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "datasets/feedback.html", {
        "page": page, "form": form, "error": error, "unused": unused,
        "has_datasets": Dataset.objects.exists(),
    }, status=status)


@login_required
@require_POST
def feedback_set(request: HttpRequest, pk) -> HttpResponse:
    """Mark a segment or event of an analysis you can see (the results page's form)."""
    analysis = object_or_404(video_selectors.analysis_get, user=request_user(request), pk=pk)
    form = FeedbackForm(request.POST)
    back = reverse("videos:analysis_detail", args=[analysis.pk]) + "#feedback"
    if not form.is_valid():
        messages.error(request, "Pick a segment or event and a verdict.")
        return redirect(back)
    kind, _, target_pk = form.cleaned_data["target"].partition(":")
    targets = analysis.segments if kind == "segment" else analysis.events
    target = targets.filter(pk=int(target_pk)).first()
    if target is None:
        raise Http404("no such segment or event")
    try:
        services.feedback_set(user=request_user(request), analysis=analysis,
                              verdict=form.cleaned_data["verdict"],
                              label=form.cleaned_data["label"],
                              segment=target if isinstance(target, Segment) else None,
                              event=target if isinstance(target, Event) else None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thanks, your verdict was saved.")
    return redirect(back)
