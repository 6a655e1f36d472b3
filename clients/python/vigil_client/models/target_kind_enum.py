from enum import StrEnum


class TargetKindEnum(StrEnum):
    EVENT = "event"
    SEGMENT = "segment"

    def __str__(self) -> str:
        return str(self.value)
