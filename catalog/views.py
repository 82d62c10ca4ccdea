from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog.payloads import category_list_payload, with_waitlist
from catalog.selectors import waitlisted_category_ids
from catalog.serializers import CategoryListQuerySerializer, CategoryListSerializer


class CategoryViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[CategoryListQuerySerializer], responses=CategoryListSerializer, operation_id="categories_retrieve"
    )
    def list(self, request):
        """List active categories in display order, names in the asked language; for a signed-in user, which
        premium categories they wait for."""
        query = CategoryListQuerySerializer.from_request(request)
        payload = category_list_payload(language=query.language_code, include_premium=query["include_premium"])
        if request.user.is_authenticated:
            payload = with_waitlist(payload, waitlisted_category_ids(user=request.user))
        return Response(payload)
