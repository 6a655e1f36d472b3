from enum import StrEnum


class ActionEnum(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    FALSE_ALARM = "false_alarm"

    def __str__(self) -> str:
        return str(self.value)
