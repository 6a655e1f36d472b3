from enum import StrEnum


class CameraStateEnum(StrEnum):
    CONNECTING = "connecting"
    ERROR = "error"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
