"""``manage.py vigil_import_dataset NAME PATH``: import a folder-per-class dir or a manifest."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inference.errors import VigilError
from webapp.datasets import services
from webapp.datasets.models import Dataset


class Command(BaseCommand):
    help = ("Import clips into dataset NAME (created if missing) from PATH: a folder laid out "
            "<label>/<clip> (splits grouped by source video) or a manifest.csv "
            "(path,label,split[,source,license,group]).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("path", type=Path)
        parser.add_argument("--fractions", default="0.7,0.15,0.15",
                            help="train,val,test shares for a folder import")
        parser.add_argument("--seed", type=int, default=0, help="grouped-split seed")
        parser.add_argument("--description", default="")

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        try:
            fractions = tuple(float(f) for f in options["fractions"].split(","))
        except ValueError:
            raise CommandError("--fractions: three numbers, e.g. 0.7,0.15,0.15") from None
        dataset = Dataset.objects.filter(name=options["name"]).first()
        created = dataset is None
        try:
            if dataset is None:
                dataset = services.dataset_create(name=options["name"],
                                                  description=options["description"])
            if path.is_dir():
                clips = services.dataset_import_folder(dataset=dataset, root=path,
                                                       fractions=fractions,
                                                       seed=options["seed"])
            else:
                clips = services.dataset_import_manifest(dataset=dataset, manifest=path)
        except (VigilError, ValidationError) as exc:
            if created and dataset is not None and not dataset.clips.exists():
                services.dataset_delete(dataset=dataset)
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from None
        counts = Counter((c.split, c.label) for c in clips)
        for (split, label), n in sorted(counts.items()):
            self.stdout.write(f"{split:5s} {label}: {n}")
        self.stdout.write(f"imported {len(clips)} clip(s) into dataset {dataset.name!r} "
                          f"(id {dataset.pk})")
