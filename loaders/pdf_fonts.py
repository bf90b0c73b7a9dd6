"""Text from PDFs whose CID fonts carry an embedded CMap (fpdf2 and some office exporters).

pdfminer.six (under pdfplumber) only understands named CMaps such as Identity-H; a Type0 font whose
``/Encoding`` is an embedded CMap stream (code -> CID via ``begincidchar``/``begincidrange``) decodes
to nothing, and its ``/ToUnicode`` map is looked up by CID instead of by code (pdfminer.six issue
#1072). ``install()`` wraps ``PDFCIDFont.__init__`` once: for such a font the byte string is split
into 2-byte codes (Identity), widths are re-keyed from CID to code, so the ToUnicode map (keyed by
code) gives the right characters at the right positions. Fonts with a named CMap are left untouched.
"""

from __future__ import annotations

import re

_CIDCHAR = re.compile(rb"begincidchar(.*?)endcidchar", re.S)
_CIDRANGE = re.compile(rb"begincidrange(.*?)endcidrange", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s+(\d+)")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s+(\d+)")
_MAX_RANGE = 70_000


def code_to_cid(cmap_data: bytes) -> dict[int, int]:
    """The code -> CID table of an embedded CMap stream (empty when it defines none).

    Example:
        >>> code_to_cid(b"1 begincidchar <0001> 41222 endcidchar 1 begincidrange <0010> <0011> 5 endcidrange")
        {1: 41222, 16: 5, 17: 6}
    """
    mapping: dict[int, int] = {}
    for block in _CIDCHAR.findall(cmap_data):
        for code, cid in _PAIR.findall(block):
            mapping[int(code, 16)] = int(cid)
    for block in _CIDRANGE.findall(cmap_data):
        for low, high, cid in _RANGE.findall(block):
            start, end = int(low, 16), int(high, 16)
            if 0 <= end - start <= _MAX_RANGE:
                for offset in range(end - start + 1):
                    mapping[start + offset] = int(cid) + offset
    return mapping


def install() -> None:
    """Teach pdfminer.six's CID fonts to decode through an embedded CMap (idempotent)."""
    from pdfminer import pdffont
    from pdfminer.cmapdb import IdentityCMap
    from pdfminer.pdftypes import PDFStream, resolve1

    original = pdffont.PDFCIDFont.__init__
    if getattr(original, "_embedded_cmap_support", False):
        return

    def __init__(self, rsrcmgr, spec, *args, **kwargs):  # noqa: N807 - pdfminer's signature
        original(self, rsrcmgr, spec, *args, **kwargs)
        encoding = resolve1(spec.get("Encoding"))
        if not isinstance(encoding, PDFStream) or self.vertical:
            return
        try:
            mapping = code_to_cid(encoding.get_data())
        except Exception:  # an unreadable stream: keep pdfminer's own behaviour
            return
        if mapping and all(code <= 0xFFFF for code in mapping):
            self.cmap = IdentityCMap(WMode=0)
            self.widths = {code: self.widths[cid] for code, cid in mapping.items() if cid in self.widths}

    __init__._embedded_cmap_support = True
    pdffont.PDFCIDFont.__init__ = __init__
