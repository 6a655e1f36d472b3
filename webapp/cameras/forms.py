"""Page form: adding and editing a camera (staff)."""
from __future__ import annotations

import json
from typing import Any, cast

from django import forms

from webapp.core.forms import CommaSeparatedField, StyledForm
from webapp.models_registry.forms import AnalysableVersionField


class CameraForm(StyledForm):
    name = forms.CharField(max_length=100)
    url = forms.CharField(
        max_length=1000, required=False, label="Stream URL",
        help_text="rtsp://, rtsps://, http(s):// (HLS, MJPEG, MPEG-TS). Stored encrypted; "
                  "shown masked. Leave blank when editing to keep the stored one.")
    model_version = AnalysableVersionField()
    watched_labels = CommaSeparatedField(max_length=4000, help_text="Comma-separated.")
    threshold = forms.FloatField(min_value=0.0, max_value=1.0, initial=0.5)
    label_thresholds = forms.CharField(required=False, max_length=4000,
                                       help_text='JSON, e.g. {"fight": 0.7}.')
    schedule = forms.CharField(
        required=False, max_length=4000,
        help_text='Empty: always. JSON windows, e.g. [{"days": [0,1,2,3,4], "start": '
                  '"18:00", "end": "07:00"}] (Monday is 0).')
    source_tag = forms.CharField(max_length=100, required=False,
                                 help_text="Alert rules with this source tag match it.")
    retention_days = forms.IntegerField(min_value=0, max_value=3650, initial=30,
                                        help_text="Keep incidents this many days (0: forever).")
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].required = creating
        cast(AnalysableVersionField, self.fields["model_version"]).refresh()

    def _json(self, name: str, kind: type) -> Any:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return kind()
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(f"Not JSON: {exc}") from None
        if not isinstance(value, kind):
            raise forms.ValidationError(f"A JSON {kind.__name__}.")
        return value

    def clean_label_thresholds(self) -> dict:
        return self._json("label_thresholds", dict)

    def clean_schedule(self) -> list:
        return self._json("schedule", list)

    @classmethod
    def initial_for(cls, camera: Any) -> dict[str, Any]:
        return {"name": camera.name, "model_version": camera.model_version_id,
                "watched_labels": ", ".join(camera.watched_labels),
                "threshold": camera.threshold,
                "label_thresholds": json.dumps(camera.label_thresholds) if
                camera.label_thresholds else "",
                "schedule": json.dumps(camera.schedule) if camera.schedule else "",
                "source_tag": camera.source_tag, "retention_days": camera.retention_days,
                "enabled": camera.enabled}
