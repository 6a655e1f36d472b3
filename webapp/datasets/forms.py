"""Page forms: datasets, imports, re-split, clips from feedback, result feedback."""
from __future__ import annotations

from typing import cast

from django import forms

from webapp.core.forms import CommaSeparatedField, StyledForm
from webapp.datasets.models import Dataset, Split, Verdict
from webapp.datasets.services import AVA_HALF_WINDOW_SEC, IMPORT_KINDS
from webapp.videos.selectors import video_list_uploaded


class DatasetForm(StyledForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    labels = CommaSeparatedField(required=False, max_length=4000,
                                 help_text="Comma-separated (more are added by imports).")


class _Fractions(StyledForm):
    train = forms.FloatField(min_value=0, initial=0.7)
    val = forms.FloatField(min_value=0, initial=0.15)
    test = forms.FloatField(min_value=0, initial=0.15)
    seed = forms.IntegerField(initial=0)

    def fractions(self) -> tuple[float, float, float]:
        return (self.cleaned_data["train"], self.cleaned_data["val"], self.cleaned_data["test"])


class ImportForm(_Fractions):
    kind = forms.ChoiceField(choices=[
        ("folder", "Folder per class (.zip of <label>/<clip>)"),
        ("manifest", "Manifest (.zip with manifest.csv + clips)"),
        ("ava", "AVA-style rows (.csv: video,timestamp_sec,label[,split])"),
    ])
    file = forms.FileField()
    half_window_sec = forms.FloatField(min_value=0.05, max_value=30,
                                       initial=AVA_HALF_WINDOW_SEC,
                                       label="AVA: seconds either side")

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        assert kind in IMPORT_KINDS
        return kind


class ResplitForm(_Fractions):
    pass


class ClipFromVideoForm(StyledForm):
    """A time range of one of the user's uploaded videos, as a clip."""

    video: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, empty_label=None)
    start_sec = forms.FloatField(min_value=0, label="Start (s)")
    end_sec = forms.FloatField(min_value=0, label="End (s)")
    label = forms.CharField(max_length=100)
    split = forms.ChoiceField(choices=[("", "grouped (by source video)"), *Split.choices],
                              required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        video = cast(forms.ModelChoiceField, self.fields["video"])
        video.queryset = video_list_uploaded(owner=user)


class AddFeedbackForm(StyledForm):
    dataset = forms.ModelChoiceField(queryset=Dataset.objects.order_by("name"))
    split = forms.ChoiceField(choices=[("", "grouped (by source video)"), *Split.choices],
                              required=False)


class FeedbackForm(StyledForm):
    target = forms.RegexField(regex=r"^(segment|event):\d+$")
    verdict = forms.ChoiceField(choices=Verdict.choices)
    label = forms.CharField(max_length=100, required=False)
