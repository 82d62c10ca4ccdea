from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from fypfixer.query import QuerySerializer


class PageQuerySerializer(QuerySerializer):
    # The list's own filters, validated by the view's query serializer.
    tolerated = ("category", "lang", "language")

    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=10**9, default=0)


class ContractPagination(LimitOffsetPagination):
    """`limit` and `offset` pages in the contract's shape: {<items>: [...], "pagination": {total, limit, offset}}.

    Unlike DRF's default, a limit or offset out of range is a 400, not silently replaced.
    """

    items_name = "results"
    query_serializer = PageQuerySerializer

    def get_limit(self, request):
        return self.query_serializer.from_request(request)["limit"]

    def get_offset(self, request):
        return self.query_serializer.from_request(request)["offset"]

    def get_paginated_data(self, items) -> dict:
        return {
            self.items_name: list(items),
            "pagination": {"total": self.count, "limit": self.limit, "offset": self.offset},
        }

    def get_paginated_response(self, data):
        return Response(self.get_paginated_data(data))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": [self.items_name, "pagination"],
            "properties": {
                self.items_name: schema,
                "pagination": {
                    "type": "object",
                    "required": ["total", "limit", "offset"],
                    "properties": {name: {"type": "integer"} for name in ("total", "limit", "offset")},
                },
            },
        }
