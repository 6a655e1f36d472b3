from enum import StrEnum


class ImportKindEnum(StrEnum):
    AVA = "ava"
    FOLDER = "folder"
    MANIFEST = "manifest"

    def __str__(self) -> str:
        return str(self.value)
