"""/media/<name>: an exercise's picture, video or poster, for those allowed to see it.

Anyone else (another clinic's staff or patients, strangers) gets 404, as for anything that is
not theirs. Local files are sent from here, byte ranges included (videos seek); on object
storage the answer is a redirect to a link that expires within minutes.
"""

import hashlib
import os

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from routines.models import Exercise

from .names import content_type_for
from .ranges import ranged_file_response
from .selectors import exercise_with_file

# Stored names never change content (a new upload gets a new name), so a browser may keep a
# copy; "private" keeps it out of shared caches.
CACHE_CONTROL = "private, max-age=3600"


def _get_exercise_for_reader(request: HttpRequest, name: str) -> Exercise:
    """The exercise that owns the file `name`, if the user may read it; else 404."""
    exercise = exercise_with_file(request.user, name)
    if exercise is None:
        raise Http404
    return exercise


@require_safe
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    _get_exercise_for_reader(request, name)
    content_type = content_type_for(name)
    if content_type is None:
        raise Http404
    storage = default_storage
    if hasattr(storage, "signed_url"):
        # A remote storage (S3, routines.media.storage.PrivateS3Storage) has no local path:
        # the reader gets a short-lived presigned link instead (test_media_access).
        response = HttpResponseRedirect(storage.signed_url(name))
        response["Cache-Control"] = "private, no-store"
        return response
    path = storage.path(name)
    try:
        file = open(path, "rb")  # noqa: SIM115 (closed by the response once sent)
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    stat = os.fstat(file.fileno())
    etag = hashlib.sha256(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    return ranged_file_response(
        request,
        file,
        size=stat.st_size,
        content_type=content_type,
        etag=f'"{etag[:32]}"',
        cache_control=CACHE_CONTROL,
    )
