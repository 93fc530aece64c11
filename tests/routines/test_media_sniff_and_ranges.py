"""Videos are recognised by their first bytes, and byte ranges are read as RFC 9110 says."""

import io

import pytest

from routines.media.ranges import UNSATISFIABLE, parse_range
from routines.media.sniff import MP4, WEBM, sniff_video

from .media_files import HEIC, MATROSKA, PDF, QUICKTIME, mp4_bytes, png_bytes, webm_bytes


def test_sniff_video_knows_mp4_and_webm_by_their_headers():
    assert sniff_video(io.BytesIO(mp4_bytes())) == MP4
    assert sniff_video(io.BytesIO(mp4_bytes(brand=b"mp42"))) == MP4
    assert sniff_video(io.BytesIO(webm_bytes())) == WEBM


@pytest.mark.parametrize(
    "data",
    [PDF, HEIC, QUICKTIME, MATROSKA, b"", b"ftyp", png_bytes(), b"\x1a\x45\xdf\xa3\xff" * 9],
    ids=["pdf", "heic", "quicktime", "matroska", "empty", "short", "png", "broken-ebml"],
)
def test_sniff_video_refuses_what_only_looks_like_video(data):
    assert sniff_video(io.BytesIO(data)) is None


def test_sniff_video_leaves_the_file_at_its_start():
    file = io.BytesIO(webm_bytes())
    file.read(10)
    sniff_video(file)
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-200", (800, 999)),
        ("bytes=-5000", (0, 999)),
        ("bytes=990-2000", (990, 999)),
        ("bytes=999-999", (999, 999)),
        ("bytes=1000-", UNSATISFIABLE),
        ("bytes=-0", UNSATISFIABLE),
        ("bytes=5-1", None),
        ("bytes=0-1,5-9", None),
        ("items=0-1", None),
        ("bytes=-", None),
        ("bytes=a-b", None),
    ],
)
def test_parse_range_reads_one_range_and_ignores_the_rest(header, expected):
    assert parse_range(header, 1000) == expected
