"""What this deployment can run on: the one answer to "is there a GPU worker?".

A web process has no GPU of its own to look at, so the answer is configuration:
``VIGIL_GPU_WORKERS`` (a GPU worker serves the ``gpu`` queue) and ``VIGIL_GPU_DEVICES`` (CUDA
devices each such worker has, for ``cuda:N``). Forms offer, and submissions accept, only what
this says; everything else asks here, so worker-reported devices can be added in one place.
"""
from __future__ import annotations

from django.conf import settings


def gpu_workers_available() -> bool:
    """Whether analyses on ``cuda`` (queue ``gpu``) have a worker that can run them."""
    return bool(getattr(settings, "VIGIL_GPU_WORKERS", False))


def cuda_device_count() -> int:
    """CUDA devices a GPU worker has (0 without GPU workers): ``cuda:N`` needs N below it."""
    if not gpu_workers_available():
        return 0
    return max(1, int(getattr(settings, "VIGIL_GPU_DEVICES", 1)))
