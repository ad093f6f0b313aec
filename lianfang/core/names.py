"""People's names as they are stored and searched: one spelling per name.

normalize_name: Unicode NFKC (full-width letters and the ideographic space become ordinary ones), trimmed,
runs of whitespace collapsed to one space, and no space left between two Chinese characters or around the
middle dot of transliterated names: "王  磊 " -> "王磊", "阿卜杜 · 热合曼" -> "阿卜杜·热合曼",
"John  Smith" -> "John Smith". Used by people's services (forms, API) and by the import's row check.
"""

from __future__ import annotations

import re
import unicodedata

# CJK unified ideographs (with extension A, compatibility ideographs and extensions B-H) and the middle
# dots of names such as 阿卜杜·热合曼.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_JOINED = f"[{_HAN}\u00b7\u30fb]"
_SPACE_BETWEEN = re.compile(f"(?<={_JOINED}) (?={_JOINED})")


def normalize_name(raw: object) -> str:
    text = str(raw or "")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    if " " in text and not text.isascii():
        text = _SPACE_BETWEEN.sub("", text)
    return text
