"""Forms of the training pages; the services validate again."""
from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet

from webapp.core.forms import CommaSeparatedField
from webapp.datasets.models import Dataset
from webapp.models_registry.models import ModelVersion
from webapp.training_runs.services import OPTIMIZERS, SETTING_RULES, training_defaults

LABELS = {
    "epochs": "Epochs", "batch_size": "Batch size", "lr": "Learning rate",
    "backbone_lr_mult": "Backbone LR ×", "momentum": "Momentum",
    "weight_decay": "Weight decay", "dropout": "Dropout",
    "train_blocks": "Blocks to fine-tune (0 head only, -1 all)",
    "patience": "Early stopping patience (epochs)", "segments": "Segments (snippets)",
    "size": "Input size (px)", "seed": "Seed", "target_precision": "Target precision",
    "balanced": "Class-balanced sampling", "freeze_bn": "Keep BatchNorm statistics",
    "corner_crop": "Corner cropping", "scale_jitter": "Scale jitter",
    "color_jitter": "Colour jitter", "flip": "Horizontal flips", "optimizer": "Optimizer",
    "positive_label": "Positive label (threshold)",
    "cv_folds": "Cross-validation folds (0 none; each fold costs one more run)",
}


def run_start_weights(version: ModelVersion) -> str:
    """Which weights a run from ``version`` starts from, in words."""
    if version.untrained:
        return "random weights (untrained: asked for explicitly)"
    if version.weights == "default":
        return "the ImageNet EfficientNet-Lite0 backbone (installed), new head"
    return f"this version's own fine-tuned weights ({version.weights_sha256[:12] or 'file'})"


class BaseVersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ModelVersion) -> str:
        return f"{obj.name}: starts from {run_start_weights(obj)}"


def base_version_choices(*, show_untrained: bool) -> QuerySet[ModelVersion]:
    """TSN versions a run may start from, pretrained first (``_stats`` from the ImageNet
    backbone); random-weight versions only where ``VIGIL_SHOW_UNTRAINED``."""
    versions = (ModelVersion.objects.filter(arch__startswith="tsn_")
                .filter(Q(is_active=True) | Q(weights="default")))
    if not show_untrained:
        versions = versions.exclude(weights="none")
    return versions.order_by("weights", "-is_default", "-arch")


class TrainingRunForm(forms.Form):
    dataset = forms.ModelChoiceField(queryset=Dataset.objects.order_by("name"))
    base_version = BaseVersionField(
        queryset=ModelVersion.objects.none(),
        help_text="A TSN version: its weights start the run (the first choice is the best "
                  "pretrained start installed here).")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        versions = base_version_choices(show_untrained=settings.VIGIL_SHOW_UNTRAINED)
        base = cast(forms.ModelChoiceField, self.fields["base_version"])
        base.queryset = versions
        base.initial = versions.first()
        defaults = training_defaults()
        field: forms.Field
        for name, (kind, low, high) in SETTING_RULES.items():
            initial = defaults[name]
            label = LABELS.get(name, name)
            if kind is bool:
                field = forms.BooleanField(required=False, initial=initial, label=label)
            elif name == "optimizer":
                field = forms.ChoiceField(choices=[(o, o) for o in OPTIMIZERS], initial=initial,
                                          label=label)
            elif kind is str:
                field = forms.CharField(required=False, initial=initial or "", label=label,
                                        max_length=100)
            elif kind is int:
                field = forms.IntegerField(initial=initial, min_value=_int(low),
                                           max_value=_int(high), label=label)
            else:
                field = forms.FloatField(initial=initial, min_value=low, max_value=high,
                                         label=label)
            self.fields[name] = field

    def settings_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SETTING_RULES}

    def setting_fields(self) -> list:
        return [self[name] for name in SETTING_RULES]


class ImportWeightsForm(forms.Form):
    file = forms.FileField(help_text="A PyTorch state dict or checkpoint (.pt/.pth).")
    arch = forms.CharField(required=False, max_length=100,
                           help_text="Registry architecture (default: the file's).")
    labels = CommaSeparatedField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="Class names, comma-separated (default: the "
                                           "file's).")
    name = forms.SlugField(required=False, max_length=110)
    description = forms.CharField(required=False, max_length=500)


class EvaluationForm(forms.Form):
    version = forms.ModelChoiceField(queryset=ModelVersion.objects.exclude(
        weights__in=("default", "none")).order_by("name"))
    dataset = forms.ModelChoiceField(queryset=Dataset.objects.order_by("name"))
    split = forms.ChoiceField(choices=[("val", "val"), ("test", "test"), ("train", "train")])


class RescoreForm(forms.Form):
    version = forms.ModelChoiceField(queryset=ModelVersion.objects.filter(is_active=True)
                                     .order_by("-is_default", "name"))
    analyses = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, analyses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(a.pk), str(a.pk)) for a in analyses]
        cast(forms.ChoiceField, self.fields["analyses"]).choices = choices


def _int(bound: float | None) -> int | None:
    """An integer setting's bound (``SETTING_RULES`` writes every bound as a number)."""
    return None if bound is None else int(bound)
