"""The body of a notice is plain text, never HTML: it is escaped, then a tiny subset is rendered — a
blank line starts a paragraph, a line break stays a line break, `**bold**` is bold. So a `<script>` typed
into a body is shown as text and never runs (no sanitiser needed: nothing typed is ever markup)."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_BODY = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def clean_body(text: str) -> str:
    """What is stored: control characters dropped, line ends made \\n, trimmed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def render_body(text: str) -> SafeString:
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = []
    for p in paragraphs:
        inner = _BOLD.sub(r"<strong>\1</strong>", escape(p.strip())).replace("\n", "<br>")
        html.append(f"<p>{inner}</p>")
    return mark_safe("".join(html))


def plain(text: str) -> str:
    """The body for SMS and e-mail: the bold markers removed."""
    return _BOLD.sub(r"\1", text)
