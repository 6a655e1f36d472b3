"""Page forms: alert rules, webhook endpoints, inbox filters."""
from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from webapp.alerts.models import AlertRule
from webapp.core.filters import IdField
from webapp.core.forms import CommaSeparatedField, StyledForm
from webapp.models_registry.models import ModelVersion

STATE_CHOICES = [("unread", "Unread"), ("acknowledged", "Acknowledged"),
                 ("false_alarm", "False alarms"), ("all", "All")]
#: What the inbox does to the alerts ticked (``services.alerts_bulk_apply``).
BULK_ACTION_CHOICES = [("acknowledge", "Acknowledge"), ("false_alarm", "False alarm")]
#: Most alerts one bulk action takes (a page shows 25).
MAX_BULK_ALERTS = 500


class AlertRuleForm(StyledForm):
    name = forms.CharField(max_length=100)
    labels = CommaSeparatedField(
        required=False, max_length=4000,
        help_text="Comma-separated; empty: the analysis' watched labels.")
    model_version = forms.ModelChoiceField(queryset=ModelVersion.objects.all(), required=False,
                                           empty_label="any model version")
    enter_threshold = forms.FloatField(min_value=0.0, max_value=1.0, required=False)
    exit_threshold = forms.FloatField(min_value=0.0, max_value=1.0, required=False)
    min_duration_sec = forms.FloatField(min_value=0.0, max_value=3600.0, required=False,
                                        label="Minimum duration (s)")
    merge_gap_sec = forms.FloatField(min_value=0.0, max_value=3600.0, required=False,
                                     label="Merge gap (s)")
    source_tag = forms.CharField(max_length=100, required=False)
    notify_email = forms.BooleanField(required=False, label="E-mail me")
    camera_offline_min = forms.IntegerField(
        min_value=1, max_value=10080, required=False, label="Camera offline (min)",
        help_text="Set: fire when a matching camera is not live for this long.")
    is_global = forms.BooleanField(required=False, label="Global (staff)")

    @staticmethod
    def initial_for(rule: AlertRule) -> dict:
        """The form's values for editing ``rule``."""
        return {field: getattr(rule, field) for field in (
            "name", "enter_threshold", "exit_threshold", "min_duration_sec", "merge_gap_sec",
            "source_tag", "notify_email", "camera_offline_min", "is_global")} | {
            "labels": ", ".join(rule.labels), "model_version": rule.model_version_id}

    def service_fields(self) -> dict:
        """The cleaned data as the rule services take it (blank numbers: keep / default)."""
        data = dict(self.cleaned_data)
        for key in ("enter_threshold", "min_duration_sec", "merge_gap_sec"):
            if data.get(key) is None:
                data.pop(key)
        return data


class WebhookForm(StyledForm):
    name = forms.CharField(max_length=100, required=False)
    url = forms.URLField(max_length=500, assume_scheme="https")


#: Days an inbox filter may name: the page adds a day to ``until`` and makes both aware.
_DAY_RANGE = (MinValueValidator(date(1, 1, 2)), MaxValueValidator(date(9998, 12, 31)))


class InboxFilterForm(StyledForm):
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False)
    label = forms.CharField(max_length=200, required=False)
    source = forms.CharField(max_length=100, required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            validators=_DAY_RANGE)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            validators=_DAY_RANGE)


class IdListField(forms.Field):
    """Primary keys from repeated parameters (``alert=3&alert=5``), at most
    :data:`MAX_BULK_ALERTS`."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = list(value) if isinstance(value, list | tuple) else []
        if len(values) > MAX_BULK_ALERTS:
            raise forms.ValidationError(f"Select at most {MAX_BULK_ALERTS} alerts.")
        return [IdField().clean(item) for item in values]

    def validate(self, value: list[int]) -> None:
        if not value:
            raise forms.ValidationError("Select at least one alert.", code="required")


class AlertBulkForm(forms.Form):
    """The inbox's bulk action: ``action`` on the ticked ``alert`` ids."""

    action = forms.ChoiceField(choices=BULK_ACTION_CHOICES)
    alert = IdListField()
