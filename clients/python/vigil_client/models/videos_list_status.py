from enum import StrEnum


class VideosListStatus(StrEnum):
    CANCELLED = "cancelled"
    FAILED = "failed"
    NONE = "none"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
