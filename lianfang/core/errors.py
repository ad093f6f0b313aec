"""A refused action raises DomainError(code, message): a stable code and a translatable message."""

from typing import Any


class DomainError(Exception):
    def __init__(self, code: str, message: Any, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.status = status

    def as_dict(self) -> dict[str, str]:
        data = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        return data
