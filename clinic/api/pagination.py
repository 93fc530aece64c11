"""Pagination for every list endpoint: `?page=` and `?page_size=`."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.response import Response


class Pagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (1 to 200, default 50). A page size outside that is refused
    rather than quietly changed."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            message = _("Use a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


def paginated(view, queryset, serializer_class) -> Response:
    page = view.paginate_queryset(queryset)
    data = serializer_class(page, many=True, context=view.get_serializer_context()).data
    return view.get_paginated_response(data)
