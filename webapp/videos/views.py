"""Pages: list, upload, video/analysis results with live progress; permission-checked files."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from inference.errors import VideoRejected
from webapp.accounts.decorators import file_view, login_or_token_required
from webapp.accounts.selectors import request_user
from webapp.core.errors import UploadTooLarge, object_or_404
from webapp.core.filters import page_filter
from webapp.core.forms import form_add_errors, redirect_with_success
from webapp.core.uploads import too_large_message, upload_too_large
from webapp.videos import selectors, services
from webapp.videos.filters import VideoFilter
from webapp.videos.forms import AnalysisOptionsForm, UploadForm
from webapp.videos.models import Analysis, AnalysisStatus, Video
from webapp.videos.quotas import QuotaExceeded

PAGE_SIZE = 12
#: The list page's filters besides the search box: ``VideoFilter``'s, by the same names.
LIST_FILTERS = ("status", "uploaded_from", "uploaded_to", "source_tag", "label", "min_score",
                "duplicate")


def _video_or_404(request: HttpRequest, pk) -> Video:
    return object_or_404(selectors.video_get, user=request.user, pk=pk)


def _analysis_or_404(request: HttpRequest, pk) -> Analysis:
    return object_or_404(selectors.analysis_get, user=request.user, pk=pk)


@login_required
@require_GET
def video_list(request: HttpRequest) -> HttpResponse:
    """The user's videos, filtered by the API's parameters (``q`` is ``search``)."""
    params = QueryDict(mutable=True)
    for name in LIST_FILTERS:
        value = request.GET.get(name, "").strip()[:200]
        if value:
            params[name] = value
    search = request.GET.get("q", "").strip()[:200]
    params["search"] = search
    videos, problems = page_filter(VideoFilter, params,
                                   queryset=selectors.video_list(user=request.user))
    for problem in problems:
        if problem.startswith("search:"):
            messages.warning(request, "Search ignored: it holds characters a file name cannot.")
            search = ""
        else:
            messages.warning(request, f"Filter ignored: {problem}")
    kept = {name: params[name] for name in LIST_FILTERS
            if name in params and not any(p.startswith(f"{name}:") for p in problems)}
    page = Paginator(videos, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "videos/list.html", {
        "page": page, "search": search, "filters": kept, "labels": _default_labels(),
        "statuses": VideoFilter.base_filters["status"].extra["choices"],
        "query": urlencode({**kept, **({"q": search} if search else {})}),
    })


@login_required
def video_upload(request: HttpRequest) -> HttpResponse:
    """The upload page; its script posts to the API with a progress bar, this POST is the
    no-script fallback."""
    status = 200
    error = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if upload_too_large(request):
            error, status = {"code": "file_too_large", "detail": too_large_message()}, 413
        elif form.is_valid():
            options = form.analysis_options if form.cleaned_data["analyze"] else None
            try:
                video, analysis = services.video_upload(
                    owner=request_user(request), upload=form.cleaned_data["file"],
                    analysis_options=options, source_tag=form.cleaned_data["source_tag"])
            except UploadTooLarge:
                error, status = {"code": "file_too_large", "detail": too_large_message()}, 413
            except VideoRejected as exc:
                error, status = {"code": exc.code, "detail": exc.message}, 422
            except QuotaExceeded as exc:
                error, status = {"code": exc.code, "detail": exc.message}, 429
            except ValidationError as exc:
                form_add_errors(form, exc)
                status = 400
            else:
                if analysis is not None:
                    return redirect("videos:analysis_detail", pk=analysis.pk)
                return redirect("videos:detail", pk=video.pk)
        else:
            status = 400
    else:
        form = UploadForm()
    return render(request, "videos/upload.html", {
        "form": form, "error": error,
        "labels": _default_labels(),
    }, status=status)


def _default_labels() -> list[str]:
    from webapp.models_registry.selectors import model_version_default  # noqa: PLC0415

    version = model_version_default()
    return list(version.labels) if version else []


@login_required
@require_GET
def video_detail(request: HttpRequest, pk) -> HttpResponse:
    video = _video_or_404(request, pk)
    return _results_page(request, video, selectors.analysis_latest(video=video))


@login_required
@require_GET
def analysis_detail(request: HttpRequest, pk) -> HttpResponse:
    analysis = _analysis_or_404(request, pk)
    return _results_page(request, analysis.video, analysis)


def _results_page(request: HttpRequest, video: Video, analysis: Analysis | None,
                  *, form: AnalysisOptionsForm | None = None, status: int = 200,
                  ) -> HttpResponse:
    events = list(selectors.event_list(analysis=analysis)) if analysis else []
    watched = analysis.watched_or_asked_labels if analysis else []
    if form is None:
        initial = {}
        if analysis is not None:
            initial = {"labels": ", ".join(analysis.labels),
                       "segment_sec": analysis.segment_sec, "stride_sec": analysis.stride_sec,
                       "threshold": analysis.threshold, "device": analysis.device}
        form = AnalysisOptionsForm(initial=initial)
    show_annotated = bool(analysis and analysis.status == AnalysisStatus.SUCCEEDED
                          and analysis.annotated_file)
    return render(request, "videos/detail.html", {
        "video": video,
        "analysis": analysis,
        "analyses": selectors.analysis_list(user=request.user, video=video)[:50],
        "events": events,
        "watched": watched,
        "form": form,
        "player_src": reverse("videos:analysis_annotated", args=[analysis.pk])
        if analysis and show_annotated else reverse("videos:source", args=[video.pk]),
        "progress_url": reverse("api:analysis-progress", args=[analysis.pk])
        if analysis else "",
        "cards_url": reverse("videos:analysis_cards", args=[analysis.pk]) if analysis else "",
        "labels": list(analysis.model_version.labels) if analysis else _default_labels(),
    }, status=status)


@login_required
@require_GET
def analysis_cards(request: HttpRequest, pk) -> HttpResponse:
    """The feedback and alerts cards alone: the results page swaps them in when an analysis
    finishes while it is open (the same template renders them in the full page)."""
    analysis = _analysis_or_404(request, pk)
    return render(request, "videos/_cards.html", {
        "analysis": analysis, "events": selectors.event_list(analysis=analysis)})


@login_required
@require_POST
def analysis_create(request: HttpRequest, pk) -> HttpResponse:
    """Re-run: a new analysis of the same video, with another model version or options."""
    video = _video_or_404(request, pk)
    form = AnalysisOptionsForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            analysis = services.analysis_start(video=video, created_by=request_user(request),
                                               options=form.analysis_options)
        except QuotaExceeded as exc:
            form.add_error(None, f"{exc.message} ({exc.code})")
            status = 429
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            return redirect_with_success(request, "The analysis was queued.",
                                         "videos:analysis_detail", pk=analysis.pk)
    return _results_page(request, video, selectors.analysis_latest(video=video), form=form,
                         status=status)


@login_required
@require_POST
def analysis_cancel(request: HttpRequest, pk) -> HttpResponse:
    analysis = services.analysis_cancel(analysis=_analysis_or_404(request, pk))
    messages.info(request, "Cancelled." if analysis.status == AnalysisStatus.CANCELLED
                  else "Cancelling…")
    return redirect("videos:analysis_detail", pk=analysis.pk)


@login_required
@require_POST
def video_delete(request: HttpRequest, pk) -> HttpResponse:
    services.video_delete(video=_video_or_404(request, pk))
    return redirect_with_success(request, "The video was deleted.", "videos:list")


# --- Files (session or API token; another user's file is a 404) ---------------------------------

video_source = file_view(_video_or_404, "file")
video_thumbnail = file_view(_video_or_404, "thumbnail", content_type="image/jpeg",
                            missing="no thumbnail")
analysis_annotated = file_view(_analysis_or_404, "annotated_file", content_type="video/mp4",
                               missing="no annotated video",
                               download_name="vigil-{pk}-annotated.mp4", download_on_request=True)
#: The thumbnail sprite sheet (its grid: ``analysis.thumbs_index``, inference.thumbsheet).
analysis_thumbs = file_view(_analysis_or_404, "thumbs_file", content_type="image/jpeg",
                            missing="no thumbnails")
analysis_results = file_view(_analysis_or_404, "results_file", content_type="application/json",
                             missing="no results yet", download_name="vigil-{pk}-results.json")


# login_or_token_required is typed for HttpResponse only; a streamed CSV is an HttpResponseBase.
@login_or_token_required  # type: ignore[arg-type]
@require_GET
def analysis_segments_csv(request: HttpRequest, pk) -> StreamingHttpResponse:
    analysis = _analysis_or_404(request, pk)
    response = StreamingHttpResponse(selectors.segments_csv_rows(analysis=analysis),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vigil-{analysis.pk}-segments.csv"'
    return response
