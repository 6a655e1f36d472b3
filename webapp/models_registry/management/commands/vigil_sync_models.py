"""``manage.py vigil_sync_models``: one model version per registry entry."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from webapp.models_registry.services import model_versions_sync


class Command(BaseCommand):
    help = "Create or update one model version per inference registry entry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--weights", default=None,
                            help="'default', 'none' (random, dev/tests) or a file path; "
                                 "default: VIGIL_DEFAULT_WEIGHTS")
        parser.add_argument("--default-model", default=None,
                            help="registry name of the default version (VIGIL_DEFAULT_MODEL)")
        parser.add_argument("--only-active", action="store_true",
                            help="list only the versions that can run (a count of the others)")

    def handle(self, *args, **options) -> None:
        versions = model_versions_sync(weights=options["weights"],
                                       default_arch=options["default_model"])
        shown = [v for v in versions if v.is_active or not options["only_active"]]
        for version in shown:
            flag = " (default)" if version.is_default else ""
            state = "" if version.is_active else " [inactive: weights not on this machine]"
            self.stdout.write(f"{version.name}: {version.kind}, weights={version.weights}"
                              f"{flag}{state}")
        hidden = len(versions) - len(shown)
        more = f"; {hidden} more need weights that are not on this machine" if hidden else ""
        self.stdout.write(self.style.SUCCESS(f"{len(versions)} model version(s) in sync{more}"))
