"""Pinyin keys for search: 张三 -> ("zhangsan", "zs")."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return full[:200], initials[:50]
