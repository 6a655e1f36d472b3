from enum import StrEnum


class OriginEnum(StrEnum):
    AVA = "ava"
    FEEDBACK = "feedback"
    FOLDER = "folder"
    MANIFEST = "manifest"
    UPLOAD = "upload"

    def __str__(self) -> str:
        return str(self.value)
