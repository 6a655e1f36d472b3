"""The versioned results document (``vigil.results/1``): write it, read it, validate it."""
from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from inference.types import Results, SegmentScore

SCHEMA_ID = "vigil.results/1"
SCHEMA_PATH = Path(__file__).with_name("schemas") / "results.v1.json"


class InvalidResults(ValueError):
    """The document breaks the schema or one of its cross-field rules."""


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def to_document(results: Results) -> dict[str, Any]:
    """The JSON-ready dict for ``results`` (see ``schemas/results.v1.json``)."""
    meta, model, config = results.video, results.model, results.config
    spec = model.input_spec
    model_doc: dict[str, Any] = {
        "name": model.name,
        "labels": list(model.labels),
        "modalities": list(model.modalities),
        "weights": model.weights,
        "untrained": model.weights == "random",
        "input": {
            "clip_len": spec.clip_len,
            "crop_size": spec.crop_size,
            "resize_short": spec.resize_short,
            "mean": list(spec.mean),
            "std": list(spec.std),
        },
    }
    if model.fusion_weights:
        model_doc["fusion_weights"] = dict(model.fusion_weights)
    if model.head_sizes:
        model_doc["head_sizes"] = list(model.head_sizes)
    return {
        "schema": SCHEMA_ID,
        "video": {
            "duration_sec": round(meta.duration_sec, 6),
            "fps": meta.fps,
            "width": meta.display_width,
            "height": meta.display_height,
            "rotation": meta.rotation,
            "mirrored": meta.mirrored,
            "stream_index": meta.stream_index,
            "video_streams": meta.video_streams,
            "frame_count": meta.frame_count,
            "codec": meta.codec,
            "container": meta.container,
        },
        "model": model_doc,
        "config": {
            "clip_len": config.clip_len or spec.clip_len,
            "segment_sec": config.segment_sec,
            "stride_sec": config.stride_sec,
            "threshold": config.events.enter_threshold,
            "exit_threshold": config.events.resolved_exit_threshold,
            "min_event_sec": config.events.min_duration_sec,
            "merge_gap_sec": config.events.merge_gap_sec,
            "watched_labels": list(results.watched_labels),
            "top_k": config.top_k,
            "device": config.device,
        },
        "segments": [_segment_doc(s) for s in results.segments],
        "events": [
            {
                "label": e.label,
                "start_sec": e.start_sec,
                "end_sec": e.end_sec,
                "peak_score": e.peak_score,
                "mean_score": e.mean_score,
                "peak_sec": e.peak_sec,
            }
            for e in results.events
        ],
        "timings_sec": {k: round(v, 4) for k, v in results.timings_sec.items()},
    }


def _segment_doc(segment: SegmentScore) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "index": segment.index,
        "start_sec": segment.start_sec,
        "end_sec": segment.end_sec,
        "top": [[label, round(p, 6)] for label, p in segment.top],
        "scores": {label: round(p, 6) for label, p in segment.scores.items()},
    }
    if segment.streams:
        doc["streams"] = {
            modality: {label: round(p, 6) for label, p in scores.items()}
            for modality, scores in segment.streams.items()
        }
    return doc


def validate_document(document: dict[str, Any]) -> None:
    """Raise :class:`InvalidResults` unless ``document`` is a valid ``vigil.results/1``."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise InvalidResults(f"{where}: {first.message}")
    duration = document["video"]["duration_sec"]
    labels = set(document["model"]["labels"])
    previous_index = -1
    for segment in document["segments"]:
        if segment["index"] <= previous_index:
            raise InvalidResults(f"segments/{segment['index']}: indices must increase")
        previous_index = segment["index"]
        if not segment["start_sec"] < segment["end_sec"] <= duration + 1e-3:
            raise InvalidResults(f"segments/{segment['index']}: bad time range")
        unknown = {label for label, _ in segment["top"]} - labels
        if unknown:
            raise InvalidResults(f"segments/{segment['index']}: unknown labels {sorted(unknown)}")
    for i, event in enumerate(document["events"]):
        if not event["start_sec"] < event["end_sec"] <= duration + 1e-3:
            raise InvalidResults(f"events/{i}: bad time range")


def write_document(document: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Validate, then write atomically (temp file in the same folder, then rename)."""
    validate_document(document)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load and validate a results file."""
    document: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    validate_document(document)
    return document


def format_score(score: float) -> str:
    """A probability for people: ``0.91``; ``0.004`` below 0.01; ``<0.001``; ``0`` for none.

    Small scores never read as "0.00" (untrained or unsure models score ~1/400). The results
    page's ``|score`` filter and ``formatScore`` in ``static/vigil/results-chart.js`` say the
    same; the annotated video's label uses it too.
    """
    if score <= 0:
        return "0"
    if score >= 0.01:
        return f"{score:.2f}"
    if score >= 0.001:
        return f"{score:.3f}"
    return "<0.001"
