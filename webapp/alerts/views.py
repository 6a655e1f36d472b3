"""Pages: the alerts inbox and detail, rules, webhooks, the delivery log; incident files."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from webapp.accounts.decorators import file_view
from webapp.accounts.selectors import request_user
from webapp.alerts import selectors, services
from webapp.alerts.filters import DeliveryFilter
from webapp.alerts.forms import AlertBulkForm, AlertRuleForm, InboxFilterForm, WebhookForm
from webapp.alerts.models import Alert, AlertRule, WebhookEndpoint
from webapp.core.errors import object_or_404
from webapp.core.filters import page_filter
from webapp.core.forms import FormT, form_page, redirect_with_success

PAGE_SIZE = 25


def _alert_or_404(request: HttpRequest, pk: int) -> Alert:
    return object_or_404(selectors.alert_get, user=request.user, pk=pk)


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters: dict = {"acknowledged": False}
    if form.is_valid():
        data = form.cleaned_data
        state = data.get("state") or "unread"
        filters = {
            "acknowledged": {"unread": False, "acknowledged": True}.get(state),
            "false_alarm": {"acknowledged": False, "false_alarm": True}.get(state),
            "label": (data.get("label") or "").strip(),
            "source": (data.get("source") or "").strip(),
            "since": _day_start(data["since"]) if data.get("since") else None,
            "until": _day_start(data["until"] + timedelta(days=1)) if data.get("until")
            else None,
        }
    page = Paginator(selectors.alert_list(user=request.user, **filters), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "alerts/inbox.html", {
        "page": page, "form": form, "query": query.urlencode(),
        "this_page": request.GET.urlencode(),
        "labels": selectors.alert_labels(user=request.user),
        "sources": selectors.alert_source_tags(user=request.user),
        "unread": selectors.alert_unread_count(user=request.user),
    })


#: What the inbox says after a bulk action (``{n}``: alerts changed).
_BULK_DONE = {"acknowledge": "Acknowledged {n} alert(s).",
              "false_alarm": "Marked {n} alert(s) as false alarms."}


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """The inbox's bulk action on the ticked alerts, then the same inbox page again."""
    form = AlertBulkForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        changed = services.alerts_bulk_apply(user=request_user(request), action=action,
                                             alert_ids=form.cleaned_data["alert"])
        messages.success(request, _BULK_DONE[action].format(n=changed))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
    back = InboxFilterForm(QueryDict(request.POST.get("page_query", "")))
    query = {name: value for name, value in back.data.items()
             if name in (*back.fields, "page") and value}
    return redirect(reverse("alerts:inbox") + (f"?{urlencode(query)}" if query else ""))


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_or_404(request, pk)
    return render(request, "alerts/detail.html", {
        "alert": alert,
        "deliveries": selectors.delivery_list(user=request.user, alert_id=alert.pk)[:50],
    })


def _back(request: HttpRequest, alert: Alert) -> HttpResponse:
    target = request.POST.get("next", "")
    if target in ("inbox",):
        return redirect("alerts:inbox")
    return redirect("alerts:detail", pk=alert.pk)


def _alert_mark(request: HttpRequest, pk: int, *, mark: Callable[..., Alert],
                done: str) -> HttpResponse:
    """Apply ``mark`` (a service taking ``alert`` and ``user``), say ``done``, go back."""
    alert = mark(alert=_alert_or_404(request, pk), user=request_user(request))
    messages.success(request, done)
    return _back(request, alert)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_mark(request, pk, mark=services.alert_acknowledge, done="Acknowledged.")


@login_required
@require_POST
def alert_false_alarm(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_mark(request, pk, mark=services.alert_mark_false_alarm,
                       done="Marked as a false alarm.")


alert_clip = file_view(_alert_or_404, "clip", content_type="video/mp4", missing="no clip")
alert_thumbnail = file_view(_alert_or_404, "thumbnail", content_type="image/jpeg",
                            missing="no thumbnail")


def _list_page(request: HttpRequest, form: FormT, *, create: Callable[[FormT], object],
               done: str, redirect_to: str, template: str,
               context: Callable[[], dict[str, Any]]) -> HttpResponse:
    """A list with a create form (:func:`~webapp.core.forms.form_page`): ``create(form)``
    calls the service, then the page says ``done`` and shows the list again."""
    def submit(valid: FormT) -> HttpResponse:
        create(valid)
        return redirect_with_success(request, done, redirect_to)

    return form_page(request, form, submit=submit, template=template, context=context)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, AlertRuleForm(request.POST or None),
        create=lambda form: services.alert_rule_create(owner=request_user(request),
                                                       **form.service_fields()),
        done="The rule was created.", redirect_to="alerts:rules", template="alerts/rules.html",
        context=lambda: {"rules": selectors.alert_rule_list(user=request.user)})


def _rule_editable_or_404(request: HttpRequest, pk: int) -> AlertRule:
    """A rule the user may change (their own; staff: any), else 404."""
    rule = object_or_404(selectors.alert_rule_get, user=request.user, pk=pk)
    if not selectors.alert_rule_can_edit(user=request.user, rule=rule):
        raise Http404("no such rule")
    return rule


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The rule form prefilled; saving checks it as creating does (``alert_rule_update``)."""
    rule = _rule_editable_or_404(request, pk)

    def submit(form: AlertRuleForm) -> HttpResponse:
        services.alert_rule_update(rule=rule, user=request_user(request),
                                   **form.service_fields())
        return redirect_with_success(request, "The rule was saved.", "alerts:rules")

    return form_page(request, AlertRuleForm(request.POST or None,
                                            initial=AlertRuleForm.initial_for(rule)),
                     submit=submit, template="alerts/rule_edit.html",
                     context=lambda: {"rule": rule})


@login_required
@require_http_methods(["GET", "POST"])
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a page that asks to confirm; POST (its form): delete."""
    rule = _rule_editable_or_404(request, pk)
    if request.method == "GET":
        return render(request, "alerts/rule_delete.html", {
            "rule": rule, "alert_count": rule.alerts.count()})
    services.alert_rule_delete(rule=rule)
    return redirect_with_success(request, "The rule was deleted.", "alerts:rules")


def _webhook_or_404(request: HttpRequest, pk: int) -> WebhookEndpoint:
    return object_or_404(selectors.webhook_get, user=request.user, pk=pk)


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, WebhookForm(request.POST or None),
        create=lambda form: services.webhook_create(owner=request_user(request),
                                                    **form.cleaned_data),
        done="The webhook was added.", redirect_to="alerts:webhooks",
        template="alerts/webhooks.html",
        context=lambda: {"webhooks": selectors.webhook_list(user=request.user)})


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.webhook_delete(webhook=_webhook_or_404(request, pk))
    return redirect_with_success(request, "The webhook was deleted.", "alerts:webhooks")


@login_required
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    services.webhook_test(webhook=_webhook_or_404(request, pk))
    messages.info(request, "A test delivery was queued; see the delivery log.")
    return redirect("alerts:webhooks")


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    """The delivery log; ``?webhook=<id>`` (a bad one is ignored, and the page says so)."""
    rows, problems = page_filter(DeliveryFilter, request.GET,
                                 queryset=selectors.delivery_list(user=request.user))
    for problem in problems:
        messages.warning(request, f"Filter ignored: {problem}")
    webhook = request.GET.get("webhook", "") if not any(
        p.startswith("webhook:") for p in problems) else ""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alerts/deliveries.html", {"page": page, "webhook_id": webhook})
