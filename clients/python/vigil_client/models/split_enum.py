from enum import StrEnum


class SplitEnum(StrEnum):
    TEST = "test"
    TRAIN = "train"
    VAL = "val"

    def __str__(self) -> str:
        return str(self.value)
