"""What this deployment can run on: the one answer to "is there a GPU worker?".

A web process has no GPU of its own to look at, so the answer is what the workers announce
(their heartbeat rows list their CUDA devices), or configuration for workers that cannot
announce yet: ``VIGIL_GPU_WORKERS`` (a GPU worker serves the ``gpu`` queue) and
``VIGIL_GPU_DEVICES`` (CUDA devices each such worker has, for ``cuda:N``). Forms offer, and
submissions accept, only what this says.
"""
from __future__ import annotations

from django.conf import settings


def announced_cuda_devices() -> int:
    """Most CUDA devices any live worker serving the ``gpu`` queue announced (its heartbeat,
    :mod:`webapp.core.workers`); 0 when none did."""
    from webapp.core.selectors import workers_announced  # noqa: PLC0415

    return max((sum(device.startswith("cuda:") for device in worker["devices"])
                for worker in workers_announced()
                if worker["ok"] and "gpu" in worker["queues"]), default=0)


def gpu_workers_available() -> bool:
    """Whether analyses on ``cuda`` (queue ``gpu``) have a worker that can run them: the
    setting says so, or a live GPU worker announced a CUDA device."""
    return bool(getattr(settings, "VIGIL_GPU_WORKERS", False)) or announced_cuda_devices() > 0


def cuda_device_count() -> int:
    """CUDA devices a GPU worker has (0 without GPU workers): ``cuda:N`` needs N below it."""
    if getattr(settings, "VIGIL_GPU_WORKERS", False):
        return max(1, int(getattr(settings, "VIGIL_GPU_DEVICES", 1)))
    return announced_cuda_devices()
