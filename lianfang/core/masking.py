"""How pages show a person to someone who should recognise them but not learn about them: names and phone
numbers masked (ID numbers are masked by core.idnumbers)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: enough to recognise one's own family, not to identify a stranger."""
    name = name or ""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
