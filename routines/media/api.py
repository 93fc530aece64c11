"""POST /api/v1/exercises/<id>/media/: a clinic exercise's picture, video and poster, sent as
multipart/form-data (the rest of the API speaks JSON)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from .services import MEDIA_FIELDS, exercise_media_update
from .validators import check_picture, check_video

READ_ONLY = _("Built-in items are read-only: duplicate them to change them.")


class ExerciseMediaInputSerializer(serializers.Serializer):
    image = serializers.FileField(
        required=False, help_text="A picture: JPEG, PNG, WebP or GIF, at most 5 MB."
    )
    video = serializers.FileField(
        required=False,
        help_text="MP4 or WebM (checked by content), at most EXERCISE_VIDEO_MAX_BYTES "
        "(25 MiB unless configured). Plays muted and looped.",
    )
    video_poster = serializers.FileField(
        required=False,
        help_text="The still shown before the video plays: a picture as above. Without one "
        "the exercise's picture is used.",
    )
    remove = serializers.MultipleChoiceField(
        choices=MEDIA_FIELDS,
        required=False,
        help_text="Files to remove (removing the video removes its poster).",
    )

    def validate_image(self, file):
        check_picture(file)
        return file

    def validate_video(self, file):
        check_video(file)
        return file

    def validate_video_poster(self, file):
        check_picture(file)
        return file


class ExerciseMediaMixin:
    """Adds the media upload to the exercise viewset; the answer is the exercise."""

    @extend_schema(
        request={"multipart/form-data": ExerciseMediaInputSerializer},
        summary="Upload or remove an exercise's picture, video and poster",
    )
    @action(detail=True, methods=["post"], url_path="media", parser_classes=[MultiPartParser])
    def media(self, request: Request, pk: str) -> Response:
        exercise = self.get_object()
        if exercise.is_builtin:
            raise exceptions.PermissionDenied(READ_ONLY)
        payload = ExerciseMediaInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        exercise = exercise_media_update(exercise=exercise, **payload.validated_data)
        return Response(self.get_serializer(exercise).data)
