"""What an uploaded video really is, read from its first bytes rather than its name.

Browsers play two containers everywhere: MP4 (ISO base media, an `ftyp` box first, with a
brand saying which flavour) and WebM (an EBML header whose DocType is "webm"). A file that
only claims to be one by its name or Content-Type (a renamed document, a QuickTime .mov, a
Matroska .mkv, a HEIC photo, which is ISO media too) is refused before anything is stored.
"""

from dataclasses import dataclass
from typing import BinaryIO

HEADER_BYTES = 4096

# MP4 brands Chromium, Firefox and Safari play. HEIF/AVIF images and QuickTime ("qt  ")
# share the box format and are left out on purpose.
MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso3",
        b"iso4",
        b"iso5",
        b"iso6",
        b"mp41",
        b"mp42",
        b"avc1",
        b"dash",
        b"M4V ",
        b"mmp4",
        b"MSNV",
    }
)
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282
MATROSKA_SEGMENT = b"\x18\x53\x80\x67"


@dataclass(frozen=True)
class VideoKind:
    extension: str
    content_type: str


MP4 = VideoKind("mp4", "video/mp4")
WEBM = VideoKind("webm", "video/webm")


def sniff_video(file: BinaryIO) -> VideoKind | None:
    """MP4 or WebM when the file's header says so, else None. Leaves the file at its start."""
    file.seek(0)
    header = file.read(HEADER_BYTES)
    file.seek(0)
    if _is_mp4(header):
        return MP4
    if _is_webm(header):
        return WEBM
    return None


def _is_mp4(header: bytes) -> bool:
    """An `ftyp` box first (ISO/IEC 14496-12), of a plausible size, with a playable brand as
    its major brand or among its compatible brands."""
    if len(header) < 16 or header[4:8] != b"ftyp":
        return False
    size = int.from_bytes(header[0:4], "big")
    if size < 16 or size > 256 or size % 4 or size > len(header):
        return False
    brands = [header[8:12]] + [header[i : i + 4] for i in range(16, size, 4)]
    if not any(brand in MP4_BRANDS for brand in brands):
        return False
    # The next top-level box must look like one: a size and a four-letter type.
    following = header[size : size + 8]
    return len(following) == 8 and following[4:8].isascii() and following[4:8].isalnum()


def _read_vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at `at`: (value, length), or None if it is malformed.
    Element ids keep their length marker; sizes drop it."""
    if at >= len(data) or data[at] == 0:
        return None
    first = data[at]
    length = 8 - first.bit_length() + 1
    if length > 8 or at + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def _is_webm(header: bytes) -> bool:
    """The EBML magic, a header whose DocType element says "webm", then a Segment."""
    if not header.startswith(EBML_MAGIC):
        return False
    size = _read_vint(header, 4, keep_marker=False)
    if size is None:
        return False
    body_start = 4 + size[1]
    body_end = body_start + size[0]
    if body_end > len(header):
        return False
    doctype = None
    at = body_start
    while at < body_end:
        element = _read_vint(header, at, keep_marker=True)
        if element is None:
            return False
        at += element[1]
        length = _read_vint(header, at, keep_marker=False)
        if length is None:
            return False
        at += length[1]
        if at + length[0] > body_end:
            return False
        if element[0] == EBML_DOCTYPE:
            doctype = header[at : at + length[0]].rstrip(b"\x00")
        at += length[0]
    return doctype == b"webm" and header[body_end : body_end + 4] == MATROSKA_SEGMENT
