"""Writes for model versions: sync from the inference registry, promote / roll back /
deactivate, import a weights file."""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from webapp.models_registry.models import ModelKind, ModelPromotion, ModelVersion

#: Folder (inside ``VIGIL_MODEL_DIR``) of imported and trained weights files.
VERSIONS_DIR = "versions"


def version_name(*, arch: str, weights: str) -> str:
    """``arch`` for its default weights, ``arch.untrained`` for random ones, else by file."""
    if weights == "default":
        return arch
    if weights == "none":
        return f"{arch}.untrained"
    stem = weights.replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    return f"{arch}.{stem}"[:120]


def registry_kind(entry: Any) -> str:
    """What a registry entry is for: a ``stream`` of a fused model (``<arch>.flow``), a
    ``backbone`` (ImageNet labels: a fine-tuning start), else a ``classifier``."""
    if len(entry.input_spec.modalities) == 1 and entry.input_spec.modalities[0] != "rgb":
        return ModelKind.STREAM
    if entry.label_set == "imagenet1k":
        return ModelKind.BACKBONE
    return ModelKind.CLASSIFIER


def card_metrics(cv: Mapping[str, Any]) -> dict[str, Any]:
    """A model card's cross-validation as a version's ``metrics`` (the keys a fine-tuned
    version's ``cv`` has: ``k``, ``accuracy_mean`` ...), so pickers read both alike."""
    keep = {"folds": "k", "cv_accuracy_mean": "accuracy_mean",
            "cv_accuracy_std": "accuracy_std", "cv_macro_f1_mean": "macro_f1_mean",
            "cv_macro_f1_std": "macro_f1_std"}
    return {"cv": {ours: cv[theirs] for theirs, ours in keep.items() if theirs in cv}}


@transaction.atomic
def model_versions_sync(*, weights: str | None = None,
                        default_arch: str | None = None) -> list[ModelVersion]:
    """One version per registry entry (weights ``VIGIL_DEFAULT_WEIGHTS``), each registered on
    its own: with ``default`` weights a version is active only when its weights are on this
    machine without a download (shipped detectors, the converted I3D, installed ImageNet
    backbones, downloaded torchvision files); the others are listed inactive, saying why.

    The version of ``default_arch`` (``VIGIL_DEFAULT_MODEL``) becomes the default unless an
    active default already exists; when it cannot run, the first runnable classifier does.
    Idempotent; a version an admin deactivated stays inactive.
    """
    from inference import models as registry  # noqa: PLC0415  (torch: import only when needed)
    from inference.models.weights import load_label_set  # noqa: PLC0415

    weights = weights or settings.VIGIL_DEFAULT_WEIGHTS
    default_arch = default_arch or settings.VIGIL_DEFAULT_MODEL
    entries = registry.list_models()
    if weights not in ("default", "none"):  # one weights file fits one architecture
        entries = [entry for entry in entries if entry.name == default_arch]
    versions = []
    for entry in entries:
        if weights == "default":
            runnable = registry.weights_available(entry, model_dir=settings.VIGIL_MODEL_DIR)
        else:
            runnable = True
        description = entry.description
        if weights == "none":
            description += " (untrained: random weights, for development and tests)"
        elif not runnable:
            description += (f" (weights {registry.weights_status(entry)}: "
                            f"{entry.default_weights or 'pass a weights file'})")
        fields = {
            "arch": entry.name,
            "weights": weights,
            "kind": registry_kind(entry),
            "labels": list(load_label_set(entry.label_set)),
            "input_spec": dataclasses.asdict(entry.input_spec),
            "description": description,
        }
        if entry.card is not None:  # a shipped detector: its card's grouped-CV metrics
            fields["metrics"] = card_metrics(entry.card.metrics)
        version, created = ModelVersion.objects.update_or_create(
            name=version_name(arch=entry.name, weights=weights), defaults=fields,
            create_defaults={**fields, "is_active": runnable})
        if not created and not runnable and version.is_active and not version.is_default:
            version.is_active = False
            version.save(update_fields=["is_active", "updated_at"])
        versions.append(version)
    if not ModelVersion.objects.filter(is_default=True, is_active=True).exists():
        runnable_classifiers = [v for v in versions
                                if v.is_active and v.kind == ModelKind.CLASSIFIER]
        chosen = next((v for v in runnable_classifiers if v.arch == default_arch),
                      next(iter(runnable_classifiers), None))
        if chosen is not None:
            _make_default(version=chosen, by=None)
    return versions


#: Checks run before a promotion: ``check(candidate, current) -> reason or None``. Apps that
#: hold evidence about versions (evaluations) register one at start-up, so this app imports
#: none of them.
PROMOTION_CHECKS: list[Callable[[ModelVersion, ModelVersion], str | None]] = []


def promotion_problems(*, version: ModelVersion) -> list[str]:
    """Why ``version`` should not become the default: untrained, not a classifier, or worse
    than the current default where both were evaluated on the same data."""
    problems = []
    if version.untrained:
        problems.append("it has random (untrained) weights")
    if version.kind != ModelKind.CLASSIFIER:
        problems.append(f"it is a {version.kind}, not a classifier analyses can use")
    current = ModelVersion.objects.filter(is_default=True).exclude(pk=version.pk).first()
    if current is not None:
        problems += [reason for check in PROMOTION_CHECKS
                     if (reason := check(version, current)) is not None]
    return problems


@transaction.atomic
def model_version_set_default(*, version: ModelVersion, by: User | None = None,
                              force: bool = False) -> ModelVersion:
    """Promote ``version`` to the default of new analyses (recorded for :func:`rollback`).

    Refused (``ValidationError``) when :func:`promotion_problems` finds any, unless ``force``
    (staff who know better); an untrained version is refused even then unless
    ``VIGIL_SHOW_UNTRAINED`` (development and tests)."""
    problems = promotion_problems(version=version)
    if version.untrained and not settings.VIGIL_SHOW_UNTRAINED:
        raise ValidationError(f"Not promoted: {version.name} has random (untrained) weights.")
    if problems and not force:
        raise ValidationError(f"Not promoted: {'; '.join(problems)}. Promote with force to "
                              "do it anyway.")
    return _make_default(version=version, by=by)


def _make_default(*, version: ModelVersion, by: User | None) -> ModelVersion:
    ModelVersion.objects.select_for_update().filter(is_default=True).exclude(
        pk=version.pk).update(is_default=False)
    now = timezone.now()
    version.is_default = True
    version.is_active = True
    version.promoted_at = now
    version.save(update_fields=["is_default", "is_active", "promoted_at", "updated_at"])
    ModelPromotion.objects.create(version=version, promoted_by=by)
    return version


@transaction.atomic
def model_version_rollback() -> ModelVersion:
    """Revert the newest standing promotion: the version promoted before it (and still active)
    becomes the default again. Raises ``ValidationError`` when there is none."""
    standing = list(ModelPromotion.objects.select_for_update()
                    .filter(reverted_at__isnull=True).select_related("version"))
    current = ModelVersion.objects.filter(is_default=True).first()
    current_pk = current.pk if current is not None else None
    # The newest promotion is the current default's (unless the default was set another way).
    candidates = standing[1:] if standing and standing[0].version_id == current_pk else standing
    previous = next((p for p in candidates
                     if p.version.is_active and p.version_id != current_pk), None)
    if previous is None:
        raise ValidationError("There is no earlier promoted version to roll back to.")
    now = timezone.now()
    newer = [p.pk for p in standing if (p.created_at, p.pk) > (previous.created_at, previous.pk)]
    ModelPromotion.objects.filter(pk__in=newer).update(reverted_at=now)
    ModelVersion.objects.filter(is_default=True).update(is_default=False)
    version = previous.version
    version.is_default = True
    version.save(update_fields=["is_default", "updated_at"])
    return version


@transaction.atomic
def model_version_set_active(*, version: ModelVersion, active: bool) -> ModelVersion:
    """Hide a version from users (or show it again). The default cannot be deactivated:
    promote or roll back to another one first."""
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    if not active and version.is_default:
        raise ValidationError("This is the default version: promote another one (or roll "
                              "back) before deactivating it.")
    version.is_active = active
    version.save(update_fields=["is_active", "updated_at"])
    return version


def weights_path(weights: str) -> Path:
    """Local file of a version's ``weights`` (absolute, or relative to ``VIGIL_MODEL_DIR``)."""
    path = Path(weights)
    return path if path.is_absolute() else Path(settings.VIGIL_MODEL_DIR) / path


def unique_version_name(base: str) -> str:
    """``base`` as a slug, with ``-2``, ``-3`` ... appended while it is taken."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", base).strip("-.")[:110] or "model"
    name, n = slug, 1
    while ModelVersion.objects.filter(name=name).exists():
        n += 1
        name = f"{slug}-{n}"
    return name


def weights_store(*, source: str | os.PathLike[str], arch: str, labels: Sequence[str],
                  name: str, extra: dict[str, Any] | None = None) -> tuple[str, str]:
    """Check ``source`` against ``arch`` with ``labels`` (``weights_only=True`` read, strict
    shapes) and store it as a Vigil checkpoint ``VIGIL_MODEL_DIR/versions/<name>.pt`` (temp
    file + rename). Returns ``(weights relative to VIGIL_MODEL_DIR, sha256 hex)``; raises
    ``inference.errors.ModelError`` with a one-line reason."""
    from inference import models as registry  # noqa: PLC0415  (torch: import when needed)
    from inference.errors import ModelError  # noqa: PLC0415
    from inference.models.weights import load_weights, read_checkpoint, save_checkpoint  # noqa: PLC0415

    entry = registry.get(arch)
    checkpoint = read_checkpoint(source)
    state = checkpoint.state_dict
    if checkpoint.arch not in (None, arch):
        raise ModelError(f"the file is a {checkpoint.arch!r} checkpoint, not {arch!r}")
    if entry.adapt_state_dict is not None:  # as inference.models.build does
        state = entry.adapt_state_dict(state)
    module = entry.build_module(len(labels))
    load_weights(module, state)  # strict: missing / unexpected keys and shapes are refused
    if "input_spec" in checkpoint.extra:  # a fine-tuned file keeps the input it was trained at
        extra = {"input_spec": checkpoint.extra["input_spec"], **(extra or {})}
    relative = f"{VERSIONS_DIR}/{name}.pt"
    target = weights_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = save_checkpoint(target, arch=arch, state_dict=module.state_dict(), labels=labels,
                             extra=extra)
    return relative, digest


def model_version_import(*, upload: UploadedFile | str | os.PathLike[str], arch: str = "",
                         labels: Sequence[str] = (), name: str = "", description: str = "",
                         created_by: User | None = None) -> ModelVersion:
    """Import a weights file as a new (active, not default) version.

    The file is read with ``torch.load(weights_only=True)`` (anything but plain tensors is
    refused, never executed); ``arch`` defaults to the checkpoint's, ``labels`` to the
    checkpoint's or the architecture's bundled set; the state dict must fit exactly. Raises
    ``ValidationError`` listing what is wrong; nothing is stored then.
    """
    from inference import models as registry  # noqa: PLC0415
    from inference.errors import ModelError  # noqa: PLC0415
    from inference.models.weights import load_label_set, read_checkpoint  # noqa: PLC0415

    labels = [str(label).strip() for label in labels if str(label).strip()]
    with _weights_on_disk(upload) as local:
        try:
            checkpoint = read_checkpoint(local)
            arch = arch or checkpoint.arch or ""
            if not arch:
                raise ValidationError({"arch": "The file names no architecture: choose one."})
            entry = registry.get(arch)
            if not labels:
                labels = list(checkpoint.labels or load_label_set(entry.label_set))
            name = unique_version_name(name or f"{arch}.import-{uuid.uuid4().hex[:6]}")
            kept = {k: v for k, v in checkpoint.extra.items() if k in ("config", "epoch",
                                                                       "metrics")}
            relative, digest = weights_store(source=local, arch=arch, labels=labels, name=name,
                                             extra={**kept, "imported": True})
        except ModelError as exc:
            raise ValidationError({"file": str(exc)}) from None
    try:
        return ModelVersion.objects.create(
            name=name, arch=arch, weights=relative, labels=list(labels),
            input_spec=dataclasses.asdict(registry.trained_input_spec(
                entry.input_spec, checkpoint.extra.get("input_spec"))),
            description=description or "imported weights", weights_sha256=digest,
            created_by=created_by, metrics=dict(checkpoint.extra.get("metrics") or {}))
    except BaseException:
        weights_path(relative).unlink(missing_ok=True)
        raise


class _weights_on_disk:
    """A local path for an upload (temporary file on ``VIGIL_MODEL_DIR``'s disk) or a path."""

    def __init__(self, upload: UploadedFile | str | os.PathLike[str]) -> None:
        self.upload = upload
        self.tmp: str | None = None

    def __enter__(self) -> str:
        if not isinstance(self.upload, UploadedFile):
            return str(self.upload)
        if hasattr(self.upload, "temporary_file_path"):
            return self.upload.temporary_file_path()
        directory = Path(settings.VIGIL_MODEL_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=".import-", suffix=".pt", dir=directory)
        with os.fdopen(fd, "wb") as out:
            self.upload.seek(0)
            shutil.copyfileobj(self.upload, out)
        return self.tmp

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            Path(self.tmp).unlink(missing_ok=True)
