"""The test session's environment, inherited by the web and worker processes tests start."""
from __future__ import annotations

import os

# Tests run random-weight models (fast, no weights needed); users never see them.
os.environ.setdefault("VIGIL_SHOW_UNTRAINED", "1")
# Models run in torch unless a test names a backend (tests/inference/test_backends.py): an
# OpenVINO conversion per random-weight model would cost every pipeline test seconds.
os.environ.setdefault("VIGIL_INFERENCE_BACKEND", "torch")
