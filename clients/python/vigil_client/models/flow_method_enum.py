from enum import StrEnum


class FlowMethodEnum(StrEnum):
    DIS = "dis"
    DIS_FAST = "dis_fast"
    DIS_MEDIUM = "dis_medium"
    DIS_ULTRAFAST = "dis_ultrafast"
    FARNEBACK = "farneback"
    RAFT = "raft"
    TVL1 = "tvl1"

    def __str__(self) -> str:
        return str(self.value)
