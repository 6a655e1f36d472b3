"""Page forms: upload (with analysis options) and re-run."""
from __future__ import annotations

from django import forms
from django.conf import settings

from webapp.models_registry.models import ModelVersion

DEVICE_CHOICES = [("cpu", "CPU"), ("cuda", "GPU (CUDA)")]


class AnalysisOptionsForm(forms.Form):
    model_version = forms.ModelChoiceField(
        queryset=ModelVersion.objects.filter(is_active=True).order_by("-is_default", "name"),
        required=False, empty_label=None)
    segment_sec = forms.FloatField(min_value=0.1, max_value=60, required=False,
                                   label="Segment (s)")
    stride_sec = forms.FloatField(min_value=0.1, max_value=60, required=False,
                                  label="Stride (s)")
    labels = forms.CharField(required=False, max_length=4000, label="Labels to watch",
                             help_text="Comma-separated; empty watches the most likely label.")
    threshold = forms.FloatField(min_value=0.0, max_value=1.0, required=False,
                                 label="Event threshold")
    device = forms.ChoiceField(choices=DEVICE_CHOICES, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment_sec"].initial = settings.VIGIL_DEFAULT_SEGMENT_SEC
        self.fields["stride_sec"].initial = settings.VIGIL_DEFAULT_STRIDE_SEC
        self.fields["threshold"].initial = settings.VIGIL_DEFAULT_THRESHOLD
        self.fields["device"].initial = settings.VIGIL_DEFAULT_DEVICE
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")
        for name in ("segment_sec", "stride_sec", "threshold"):
            self.fields[name].widget.attrs["step"] = "any"
        self.fields["labels"].widget.attrs["list"] = "label-options"

    def service_options(self) -> dict:
        data = self.cleaned_data
        return {
            "model_version": data.get("model_version"),
            "segment_sec": data.get("segment_sec"),
            "stride_sec": data.get("stride_sec"),
            "labels": [part.strip() for part in (data.get("labels") or "").split(",")
                       if part.strip()],
            "threshold": data.get("threshold"),
            "device": data.get("device") or None,
        }


class UploadForm(AnalysisOptionsForm):
    file = forms.FileField(label="Video file")
    analyze = forms.BooleanField(required=False, initial=True, label="Analyse right away")

    field_order = ("file", "analyze", "model_version", "labels", "segment_sec", "stride_sec",
                   "threshold", "device")
