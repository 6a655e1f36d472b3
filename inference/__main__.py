"""``python -m inference``: see :mod:`inference.cli`."""
from __future__ import annotations

import sys

from inference.cli import main

sys.exit(main())
