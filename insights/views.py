from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from fypfixer.views import health_report
from insights import selectors
from insights.serializers import ChallengeSerializer, OverviewSerializer, PlansMetricsSerializer, SystemSerializer


class MetricsViewSet(viewsets.GenericViewSet):
    """The figures of the editors' insights page, for staff (the web client's admin page reads them)."""

    permission_classes = [IsAdminUser]

    @extend_schema(responses=OverviewSerializer)
    @action(detail=False, methods=["get"])
    def overview(self, request):
        """Daily active users, new users and completions: today and the last 30 days."""
        return Response(OverviewSerializer(selectors.overview(today=timezone.localdate())).data)

    @extend_schema(responses=ChallengeSerializer)
    @action(detail=False, methods=["get"])
    def challenge(self, request):
        """Retention of new users: the share active on day 0, 1, 3 and 7 after joining."""
        return Response(ChallengeSerializer(selectors.retention(today=timezone.localdate())).data)

    @extend_schema(responses=PlansMetricsSerializer)
    @action(detail=False, methods=["get"])
    def plans(self, request):
        """Per plan, how many users reached each step; completion by kind of step; the signals sent."""
        today = timezone.localdate()
        figures = {**selectors.plan_funnels(today=today), **selectors.action_signals(today=today)}
        return Response(PlansMetricsSerializer(figures).data)

    @extend_schema(responses=SystemSerializer)
    @action(detail=False, methods=["get"])
    def system(self, request):
        """Request rate, error rate and p95 latency of the last hour, from the app's own counters."""
        return Response(SystemSerializer(selectors.system(health=health_report())).data)
