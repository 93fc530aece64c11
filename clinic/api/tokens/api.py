"""A staff member's own API keys: list, make one (the key is in that answer only), revoke."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from clinic.api.tokens.models import ApiToken
from clinic.api.tokens.selectors import api_tokens_of_user
from clinic.api.tokens.services import api_token_create, api_token_revoke


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = fields.CharField(read_only=True, help_text="Shown once: store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiTokenInputSerializer(serializers.Serializer):
    name = fields.CharField(max_length=100)


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your API keys. DELETE revokes a key: it stops working at once and stays listed."""

    queryset = ApiToken.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = ApiTokenSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return api_tokens_of_user(user=self.request.user)

    @extend_schema(request=ApiTokenInputSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request) -> Response:
        payload = ApiTokenInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        token, raw = api_token_create(user=request.user, **payload.validated_data)
        token.key = raw
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        api_token_revoke(token=instance)
