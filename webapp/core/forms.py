"""Pages with a form: the styled base form, a comma-separated field, a service's
``ValidationError`` put on the form, the one loop of a page whose POST validates the form,
calls a service and redirects, and how such a POST (a form's, a button's) ends: a success
message and a redirect.

Services refuse with Django's ``ValidationError``, keyed by field (``{"name": [...]}``) or
not (a message list). Pages show each problem next to the form field of that name, and the
rest above the form; the API answers the same refusal with one error body
(:mod:`webapp.core.exception_handlers`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

FormT = TypeVar("FormT", bound=forms.BaseForm)


class StyledForm(forms.Form):
    """A page form whose inputs carry the stylesheet's ``input`` class (check boxes keep
    their own look)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "input")


def comma_separated(text: str) -> list[str]:
    """The items of comma-separated text (labels, say): each stripped, the blank ones dropped."""
    return [item.strip() for item in text.split(",") if item.strip()]


class CommaSeparatedField(forms.CharField):
    """Comma-separated text, cleaned to the list of its items (:func:`comma_separated`).
    ``required`` and ``max_length`` apply to the text."""

    def clean(self, value: Any) -> list[str]:
        return comma_separated(super().clean(value))


def form_add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put ``exc``'s problems on ``form``: each on the field it names when the form has that
    field, the others (and a message list not keyed by field) as non-field errors."""
    problems_by_field: dict[str | None, list[str]] = getattr(
        exc, "message_dict", {None: exc.messages})
    for field, problems in problems_by_field.items():
        form.add_error(field if field in form.fields else None, problems)


def error_text(exc: ValidationError) -> str:
    """``exc`` as one line for a flash message: ``"field: problem; other problem"``."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(problems)}" if field != "__all__"
                         else " ".join(problems) for field, problems in exc.message_dict.items())
    return " ".join(exc.messages)


def form_page(request: HttpRequest, form: FormT, *, submit: Callable[[FormT], HttpResponse],
              template: str, context: Callable[[], Mapping[str, Any]]) -> HttpResponse:
    """A page with one form (``form``, bound to the POST data on a POST).

    A valid POST goes to ``submit(form)``: it calls a service and answers, usually with a
    message and a redirect (:func:`redirect_with_success`). A ``ValidationError`` the service
    raises lands on the form (:func:`form_add_errors`); then, as for an invalid POST,
    ``template`` renders again with the errors, status 400. A GET renders it with status 200.
    ``context()`` (called only when the page renders) gives the template's values beside
    ``form``.
    """
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                return submit(form)
            except ValidationError as exc:
                form_add_errors(form, exc)
        status = 400
    return render(request, template, {"form": form, **context()}, status=status)


def redirect_with_success(request: HttpRequest, message: str, to: str, *args: Any,
                          **kwargs: Any) -> HttpResponse:
    """The end of a POST whose service did its work: ``message`` as a success message (the
    next page shows it) and a redirect to ``to`` (a URL name, with ``args``/``kwargs``)."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)
