from enum import StrEnum


class VerdictEnum(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"

    def __str__(self) -> str:
        return str(self.value)
