"""Answering `Range: bytes=…` for a stored file, which Django's FileResponse does not do.

Video elements ask for byte ranges (to read the index at the end of an MP4, to seek); without
206 answers Safari will not play at all and other browsers download everything first. One
range is served (RFC 9110 §14): a request for several, or one that does not parse, gets the
whole file (a server may ignore Range), one that starts past the end gets 416.
"""

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

CHUNK_BYTES = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
UNSATISFIABLE = "unsatisfiable"


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """The inclusive (first, last) byte a Range header asks for, UNSATISFIABLE, or None for
    "send the whole file" (no header, several ranges, or one that does not parse)."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid: ignored, as RFC 9110 says
    if start >= size:
        return UNSATISFIABLE
    return start, min(end, size - 1)


def _chunks(file: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        remaining = length
        while remaining > 0:
            chunk = file.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        file.close()


def ranged_file_response(
    request: HttpRequest,
    file: BinaryIO,
    *,
    size: int,
    content_type: str,
    etag: str,
    cache_control: str,
) -> HttpResponse:
    """The whole file (200), one range of it (206), 416, or 304 when the client's copy (by its
    ETag) is current. `file` is closed once the answer has been sent."""
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "ETag": etag,
        "Content-Type": content_type,
    }
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        file.close()
        return HttpResponse(status=304, headers=headers)
    wanted = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range.strip() == etag):
        wanted = parse_range(request.headers["Range"], size)
    if wanted == UNSATISFIABLE:
        file.close()
        headers["Content-Range"] = f"bytes */{size}"
        headers.pop("Content-Type")
        return HttpResponse(status=416, headers=headers)
    start, end = wanted if wanted is not None else (0, size - 1)
    length = max(end - start + 1, 0)
    if wanted is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(length)
    status = 206 if wanted is not None else 200
    if request.method == "HEAD":
        file.close()
        return HttpResponse(status=status, headers=headers)
    return StreamingHttpResponse(_chunks(file, start, length), status=status, headers=headers)
