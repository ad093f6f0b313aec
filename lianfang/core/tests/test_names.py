"""core/names.py: one spelling per name."""

import pytest

from lianfang.core.names import normalize_name


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("王  磊 ", "王磊"),
        ("王 磊", "王磊"),
        (" 欧阳\u3000娜娜", "欧阳娜娜"),  # the ideographic space of Chinese input methods
        ("王\t磊\n", "王磊"),
        ("John  Smith", "John Smith"),
        ("  John Smith  ", "John Smith"),
        ("阿卜杜 · 热合曼", "阿卜杜·热合曼"),
        ("王 John", "王 John"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),  # full-width letters and space
        ("张三", "张三"),
        ("", ""),
        (None, ""),
        ("𠮷 野", "𠮷野"),  # an extension-B character
    ],
)
def test_names_are_stored_in_one_spelling(raw, stored):
    assert normalize_name(raw) == stored
