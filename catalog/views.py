from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import category_list_payload
from catalog.serializers import CategoryListQuerySerializer, CategoryListSerializer


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[CategoryListQuerySerializer], responses=CategoryListSerializer)
    def get(self, request):
        """List active categories in display order, names in the asked language."""
        query = CategoryListQuerySerializer.from_request(request)
        payload = category_list_payload(language=query.language_code, include_premium=query["include_premium"])
        return Response(payload)
