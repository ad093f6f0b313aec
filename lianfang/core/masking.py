"""How pages show a person to someone who should recognise them but not learn about them: names and phone
numbers masked (phones by core.phones.mask_phone, ID numbers by core.idnumbers)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: enough to recognise one's own family, not to identify a stranger."""
    name = name or ""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name
