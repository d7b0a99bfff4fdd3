"""What every generated PDF shares: the embedded Chinese font.

ReportLab embeds (a subset of) a TrueType font, so the PDF renders and its
text can be copied on any reader, on a closed network too. The font is in
the repository (xietang/fonts/README.md).
"""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"


@cache
def chinese_font() -> str:
    """Register the font with ReportLab once per process and return its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME
