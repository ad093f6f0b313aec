"""The Chinese font every PDF of Lianfang embeds (subset): pass sheets, receipts, letters, reports, cards.
One place for its path (setting PASS_FONT_PATH), its name and its registration with ReportLab."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"


class FontMissing(RuntimeError):
    """The CJK font is not installed: a PDF would print boxes instead of Chinese."""


def font_path() -> Path:
    return Path(getattr(settings, "PASS_FONT_PATH", DEFAULT_FONT_PATH))


def register_font(path: Path | None = None) -> str:
    """Register the CJK TrueType font once (subset-embedded in every PDF that uses it); its name."""
    path = path or font_path()
    if not path.is_file():
        raise FontMissing(
            _("The Chinese font {path} is missing: install the Debian package fonts-wqy-microhei.").format(
                path=path
            )
        )
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME
