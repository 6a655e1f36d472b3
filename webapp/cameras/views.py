"""Pages: the cameras list, a camera (state, live preview, score timeline, incidents), add /
edit / delete / test connection (staff), the camera workers' ops view; incident files."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from webapp.accounts.decorators import file_view, login_or_token_required
from webapp.accounts.selectors import request_user
from webapp.cameras import selectors, services
from webapp.cameras.forms import CameraForm
from webapp.cameras.models import Camera, CameraIncident
from webapp.core.errors import object_or_404
from webapp.core.forms import form_page, redirect_with_success
from webapp.core.permissions import staff_required


def _camera_or_404(request: HttpRequest, pk: int) -> Camera:
    return object_or_404(selectors.camera_get, user=request.user, camera_id=pk)


def _incident_or_404(request: HttpRequest, pk: int) -> CameraIncident:
    return object_or_404(selectors.incident_get, user=request.user, incident_id=pk)


@login_required
@require_GET
def camera_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cameras/list.html",
                  {"cameras": selectors.camera_list(user=request.user)})


@login_required
@require_GET
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    camera = _camera_or_404(request, pk)
    return render(request, "cameras/detail.html", {
        "camera": camera, "runtime": camera.runtime,
        "incidents": selectors.incident_list(user=request.user, camera_id=camera.pk)[:50],
        "probes": selectors.probe_list(camera_id=camera.pk) if request.user.is_staff else [],
    })


@login_required
@require_GET
@never_cache
def camera_status_json(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(selectors.camera_status(_camera_or_404(request, pk)))


@login_or_token_required
@require_GET
@never_cache
def camera_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest still the worker stored (a low-rate live preview; the page refreshes it)."""
    camera = _camera_or_404(request, pk)
    jpeg, taken_at = selectors.runtime_preview(camera_id=camera.pk)
    if jpeg is None:
        raise Http404("no preview yet")
    response = HttpResponse(jpeg, content_type="image/jpeg")
    if taken_at is not None:
        response["Last-Modified"] = taken_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


def _save(request: HttpRequest, camera: Camera | None) -> HttpResponse:
    """The add / edit page: a valid POST creates or changes ``camera`` and shows it."""
    def submit(form: CameraForm) -> HttpResponse:
        saved = (services.camera_create(owner=request_user(request), **form.cleaned_data)
                 if camera is None
                 else services.camera_update(camera=camera, **form.cleaned_data))
        return redirect_with_success(request, f"Camera {saved.name} saved.", "cameras:detail",
                                     saved.pk)

    initial = CameraForm.initial_for(camera) if camera is not None else None
    form = CameraForm(request.POST if request.method == "POST" else None, initial=initial,
                      creating=camera is None)
    return form_page(request, form, submit=submit, template="cameras/form.html",
                     context=lambda: {"camera": camera})


@staff_required
def camera_add(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@staff_required
def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, _camera_or_404(request, pk))


@staff_required
@require_POST
def camera_delete(request: HttpRequest, pk: int) -> HttpResponse:
    camera = _camera_or_404(request, pk)
    services.camera_delete(camera=camera)
    return redirect_with_success(request, f"Camera {camera.name} deleted.", "cameras:list")


@staff_required
@require_POST
def camera_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Probe the camera's stream now (recorded with the other attempts)."""
    probe = services.camera_probe(camera=_camera_or_404(request, pk), user=request_user(request))
    if probe.ok:
        messages.success(request, f"Connected: {probe.codec} {probe.width}x{probe.height} "
                                  f"at {probe.fps or 0:.1f} fps.")
    else:
        messages.error(request, f"Could not connect ({probe.error_code}): {probe.error}")
    return redirect("cameras:detail", pk)


@staff_required
@require_GET
def camera_ops(request: HttpRequest) -> HttpResponse:
    return render(request, "cameras/ops.html", {"leases": selectors.camera_leases(),
                                                "now": timezone.now()})


incident_clip = file_view(_incident_or_404, "clip", content_type="video/mp4", missing="no clip")
incident_peak = file_view(_incident_or_404, "peak_jpeg", content_type="image/jpeg",
                          missing="no still")
