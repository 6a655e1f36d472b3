"""The embedded default's ``SECRET_KEY``: generated once into the var folder, then reused.

``make run`` and hand-run ``manage.py`` commands outside production need a key that is secret
(DEBUG is off by default, so a published development key would sign real sessions) and stable
(sessions and password-reset links survive a restart). The file is created with mode 0600 via
a hard link of a complete temp file, so a web process and a worker starting together agree on
one key and never read half a file. Production never uses this: it requires ``SECRET_KEY`` or
``VIGIL_SECRET_KEY_FILE``.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

KEY_BYTES = 50


def secret_key_from_file(path: Path) -> str:
    """The key stored in ``path``, generating it first when the file does not exist."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".secret-key.", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_urlsafe(KEY_BYTES) + "\n")
            try:
                os.link(tmp, path)  # fails if another process made it first: keep theirs
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ValueError(f"{path} is empty: delete it to have a new secret key generated")
    return key
