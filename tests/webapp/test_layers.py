"""The web layer's imports point one way: core beneath every app, no cycle between apps."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
APPS = sorted(p.name for p in WEBAPP.iterdir() if (p / "apps.py").is_file())


def _app_imports() -> dict[str, set[str]]:
    """``app -> apps it imports`` (module-level and function-level imports alike)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for app in APPS:
        for path in (WEBAPP / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "webapp" and len(parts) > 1 and parts[1] in APPS \
                            and parts[1] != app:
                        edges[app].add(parts[1])
    return edges


def test_core_imports_no_app() -> None:
    assert "core" in APPS
    assert _app_imports()["core"] == set()


def test_videos_do_not_import_alerts() -> None:
    assert "alerts" not in _app_imports()["videos"]


def test_no_cycle_between_apps() -> None:
    edges = _app_imports()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in edges[start])

    cycles = sorted(app for app in APPS if reaches(app, app, {app}))
    assert cycles == []
