"""Writes for model versions: sync from the inference registry, choose the default."""
from __future__ import annotations

import dataclasses

from django.conf import settings
from django.db import transaction

from webapp.models_registry.models import ModelVersion


def version_name(*, arch: str, weights: str) -> str:
    """``arch`` for its default weights, ``arch.untrained`` for random ones, else by file."""
    if weights == "default":
        return arch
    if weights == "none":
        return f"{arch}.untrained"
    stem = weights.replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    return f"{arch}.{stem}"[:120]


@transaction.atomic
def model_versions_sync(*, weights: str | None = None,
                        default_arch: str | None = None) -> list[ModelVersion]:
    """One active version per registry entry (weights ``VIGIL_DEFAULT_WEIGHTS``).

    The version of ``default_arch`` (``VIGIL_DEFAULT_MODEL``) becomes the default unless
    another default already exists. Idempotent.
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
        # Entries without a public download need a file: listed, but inactive until given one.
        runnable = weights != "default" or entry.default_weights is not None
        description = entry.description
        if weights == "none":
            description += " (untrained: random weights, for development and tests)"
        version, _ = ModelVersion.objects.update_or_create(
            name=version_name(arch=entry.name, weights=weights),
            defaults={
                "arch": entry.name,
                "weights": weights,
                "labels": list(load_label_set(entry.label_set)),
                "input_spec": dataclasses.asdict(entry.input_spec),
                "description": description,
            },
            create_defaults={
                "arch": entry.name,
                "weights": weights,
                "labels": list(load_label_set(entry.label_set)),
                "input_spec": dataclasses.asdict(entry.input_spec),
                "description": description,
                "is_active": runnable,
            },
        )
        versions.append(version)
    if not ModelVersion.objects.filter(is_default=True, is_active=True).exists():
        chosen = next((v for v in versions if v.arch == default_arch), None)
        if chosen is not None:
            model_version_set_default(version=chosen)
    return versions


@transaction.atomic
def model_version_set_default(*, version: ModelVersion) -> ModelVersion:
    ModelVersion.objects.filter(is_default=True).exclude(pk=version.pk).update(is_default=False)
    version.is_default = True
    version.is_active = True
    version.save(update_fields=["is_default", "is_active", "updated_at"])
    return version
