import hmac

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog.jobs import apify_import_queue
from catalog.payloads import category_list_payload, with_waitlist
from catalog.selectors import waitlisted_category_ids
from catalog.serializers import (
    ApifyWebhookSerializer,
    CategoryListQuerySerializer,
    CategoryListSerializer,
    ImportAcceptedSerializer,
)
from fypfixer.api import UnauthorizedError

APIFY_SECRET_HEADER = "X-Apify-Webhook-Secret"
APIFY_RUN_SUCCEEDED = "ACTOR.RUN.SUCCEEDED"


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


class ImportViewSet(viewsets.GenericViewSet):
    """Imports into the video library that other systems start."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=ApifyWebhookSerializer,
        responses={202: ImportAcceptedSerializer, 200: ImportAcceptedSerializer},
        parameters=[OpenApiParameter("X-Apify-Webhook-Secret", str, OpenApiParameter.HEADER, required=True)],
    )
    @action(detail=False, methods=["post"])
    def apify(self, request):
        """The webhook Apify calls when a scraper run finishes: queue the import of the run's dataset.

        The X-Apify-Webhook-Secret header must carry APIFY_WEBHOOK_SECRET. Apify sends a webhook
        again when unsure it arrived: the same dataset gets the same job.
        """
        secret = settings.APIFY_WEBHOOK_SECRET
        given = request.headers.get(APIFY_SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            raise UnauthorizedError("The webhook secret is missing or wrong.")
        event = ApifyWebhookSerializer(data=request.data)
        event.is_valid(raise_exception=True)
        if event.validated_data["eventType"] != APIFY_RUN_SUCCEEDED:
            return Response(ImportAcceptedSerializer({"job_id": None, "status": "ignored"}).data)
        job = apify_import_queue(dataset_id=event.validated_data["resource"]["defaultDatasetId"])
        answer = {"job_id": job.pk, "status": job.status}
        return Response(ImportAcceptedSerializer(answer).data, status=status.HTTP_202_ACCEPTED)
