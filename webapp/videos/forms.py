"""Page forms: upload (with analysis options) and re-run."""
from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from inference.flow import distinct_methods, minutes_per_video_minute
from inference.types import FLOW_METHODS, MODALITIES
from webapp.models_registry.forms import AnalysableVersionField
from webapp.videos.options import (
    AnalysisOptions,
    analysis_options_clean,
    device_choices,
    flow_methods_available,
)


class AnalysisOptionsForm(forms.Form):
    model_version = AnalysableVersionField(required=False)
    segment_sec = forms.FloatField(min_value=0.1, max_value=60, required=False,
                                   label="Segment (s)")
    stride_sec = forms.FloatField(min_value=0.1, max_value=60, required=False,
                                  label="Stride (s)")
    labels = forms.CharField(required=False, max_length=4000, label="Labels to watch",
                             help_text="Comma-separated; empty watches the most likely label.")
    threshold = forms.FloatField(min_value=0.0, max_value=1.0, required=False,
                                 label="Event threshold")
    device = forms.ChoiceField(choices=[("cpu", "CPU")], required=False)
    modalities = forms.MultipleChoiceField(
        choices=[(m, m) for m in MODALITIES], required=False,
        widget=forms.CheckboxSelectMultiple, label="Streams",
        help_text="Fuse several streams (rgb, optical flow, RGB difference); none: the model's.")
    fusion_weights = forms.CharField(required=False, max_length=200, label="Fusion weights",
                                     help_text="e.g. rgb=1,flow=1.5 (others 1).")
    flow_method = forms.ChoiceField(choices=[(m, m) for m in FLOW_METHODS], required=False,
                                    label="Optical flow")

    def clean_fusion_weights(self) -> dict[str, float]:
        weights: dict[str, float] = {}
        for item in (self.cleaned_data.get("fusion_weights") or "").split(","):
            if not item.strip():
                continue
            name, _, number = item.partition("=")
            try:
                weights[name.strip()] = float(number)
            except ValueError:
                raise forms.ValidationError(f"expected stream=weight, got {item.strip()!r}") \
                    from None
        return weights

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(AnalysableVersionField, self.fields["model_version"]).refresh()
        self.fields["segment_sec"].initial = settings.VIGIL_DEFAULT_SEGMENT_SEC
        self.fields["stride_sec"].initial = settings.VIGIL_DEFAULT_STRIDE_SEC
        self.fields["threshold"].initial = settings.VIGIL_DEFAULT_THRESHOLD
        self.fields["device"].initial = settings.VIGIL_DEFAULT_DEVICE
        for field in self.fields.values():  # check boxes keep their own look (StyledForm's rule)
            if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "input")
        for name in ("segment_sec", "stride_sec", "threshold"):
            self.fields[name].widget.attrs["step"] = "any"
        self.fields["labels"].widget.attrs["list"] = "label-options"
        # Only what this deployment can run (no GPU choices without a GPU worker).
        cast(forms.ChoiceField, self.fields["device"]).choices = device_choices()
        cast(forms.ChoiceField, self.fields["flow_method"]).choices = flow_method_choices()

    #: Fields behind the "Advanced options" disclosure: the default is "pick a detector,
    #: drop a file".
    ADVANCED_FIELDS = ("labels", "threshold", "segment_sec", "stride_sec", "device",
                       "modalities", "fusion_weights", "flow_method")

    def advanced_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ADVANCED_FIELDS]

    @property
    def advanced_open(self) -> bool:
        """Whether the disclosure starts open: a bound form with a problem in one of them."""
        return self.is_bound and any(name in self.errors for name in self.ADVANCED_FIELDS)

    def options_wanted(self) -> bool:
        """Whether the options will start an analysis (and so must be checked)."""
        return True

    def clean(self) -> dict[str, Any]:
        """Every option checked together, once, by the one cleaner the API uses too; the
        result is :attr:`analysis_options`."""
        super().clean()
        cleaned = self.cleaned_data
        if self.errors or not self.options_wanted():
            return cleaned
        data = self.cleaned_data
        try:
            cleaned["options"] = analysis_options_clean(
                model_version=data.get("model_version"), segment_sec=data.get("segment_sec"),
                stride_sec=data.get("stride_sec"),
                labels=(data.get("labels") or "").split(","),
                threshold=data.get("threshold"), device=data.get("device") or None,
                modalities=data.get("modalities") or [],
                fusion_weights=data.get("fusion_weights") or {},
                flow_method=data.get("flow_method") or None)
        except ValidationError as exc:
            for name, problems in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, problems)
        return cleaned

    @property
    def analysis_options(self) -> AnalysisOptions:
        """The cleaned options of a valid form, for ``services.analysis_start(options=...)``."""
        return self.cleaned_data["options"]


def flow_method_choices() -> list[tuple[str, str]]:
    """Flow methods, each algorithm once (``dis_ultrafast`` is ``dis``), labelled with their
    cost in one unit, measured on this server: "≈ N s of CPU per minute of video"."""
    choices = []
    for method in distinct_methods(flow_methods_available()):
        minutes = minutes_per_video_minute(method)
        choices.append((method, f"{method} ({flow_cost_words(minutes)})"))
    return choices


def flow_cost_words(minutes: float | None) -> str:
    """A flow method's cost per minute of video, always in CPU seconds (``None``: GPU only)."""
    if minutes is None:
        return "GPU only"
    seconds = minutes * 60
    return f"≈ {seconds:.1f} s of CPU per minute of video" if seconds < 10 \
        else f"≈ {seconds:.0f} s of CPU per minute of video"


class UploadForm(AnalysisOptionsForm):
    file = forms.FileField(label="Video file")
    analyze = forms.BooleanField(required=False, initial=True, label="Analyse right away")
    source_tag = forms.CharField(
        required=False, max_length=100, label="Source tag",
        help_text="Where the video comes from, e.g. a camera name such as entrance-2; "
                  "alert rules can be limited to one tag and the video list filters by it.")

    field_order = ("model_version", "file", "source_tag", "analyze", "labels", "threshold",
                   "segment_sec", "stride_sec", "device")

    def options_wanted(self) -> bool:
        return bool(self.cleaned_data.get("analyze"))
