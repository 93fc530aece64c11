"""Small but well-formed media files built in the tests: an MP4 (ftyp, moov, mdat boxes) and a
WebM (EBML header with DocType "webm", then a Segment), plus things that only pretend."""

import io

from PIL import Image


def box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4_bytes(body_bytes: int = 2000, brand: bytes = b"isom") -> bytes:
    ftyp = box(b"ftyp", brand + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")
    moov = box(b"moov", box(b"mvhd", bytes(100)))
    mdat = box(b"mdat", bytes(range(256)) * (body_bytes // 256) + bytes(body_bytes % 256))
    return ftyp + moov + mdat


def ebml_element(element_id: bytes, payload: bytes) -> bytes:
    assert len(payload) < 127
    return element_id + bytes([0x80 | len(payload)]) + payload


def webm_bytes(body_bytes: int = 2000, doctype: bytes = b"webm") -> bytes:
    header = b"".join(
        [
            ebml_element(b"\x42\x86", b"\x01"),  # EBMLVersion
            ebml_element(b"\x42\xf7", b"\x01"),  # EBMLReadVersion
            ebml_element(b"\x42\xf2", b"\x04"),  # EBMLMaxIDLength
            ebml_element(b"\x42\xf3", b"\x08"),  # EBMLMaxSizeLength
            ebml_element(b"\x42\x82", doctype),  # DocType
            ebml_element(b"\x42\x87", b"\x04"),  # DocTypeVersion
            ebml_element(b"\x42\x85", b"\x02"),  # DocTypeReadVersion
        ]
    )
    ebml = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header
    segment = b"\x18\x53\x80\x67" + b"\x01\xff\xff\xff\xff\xff\xff\xff" + bytes(body_bytes)
    return ebml + segment


def png_bytes(size=(48, 32), colour="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 20
HEIC = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + box(b"meta", bytes(40))
QUICKTIME = box(b"ftyp", b"qt  " + bytes(4) + b"qt  ") + box(b"moov", bytes(40))
MATROSKA = webm_bytes(doctype=b"matroska")
