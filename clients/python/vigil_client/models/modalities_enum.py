from enum import StrEnum


class ModalitiesEnum(StrEnum):
    FLOW = "flow"
    RGB = "rgb"
    RGBDIFF = "rgbdiff"

    def __str__(self) -> str:
        return str(self.value)
