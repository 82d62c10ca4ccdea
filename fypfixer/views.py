import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from redis.exceptions import RedisError
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from fypfixer.api import ServiceUnavailableError

logger = logging.getLogger(__name__)

HEALTH_KEY = "health"
CONNECTED = "connected"
UNAVAILABLE = "unavailable"


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["healthy", "degraded"])
    timestamp = serializers.DateTimeField()
    services = serializers.DictField(child=serializers.ChoiceField(choices=[CONNECTED, UNAVAILABLE]))


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health check: database unavailable: %s", error)
        return UNAVAILABLE
    return CONNECTED


def cache_status() -> str:
    """Ping the shared cache (Redis); an in-process cache is always there."""
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return CONNECTED
    try:
        client.get_client(write=True).ping()
    except (RedisError, OSError) as error:
        logger.warning("Health check: cache unavailable: %s", error)
        return UNAVAILABLE
    return CONNECTED


def service_states() -> dict:
    """Return the state of the database and the cache, checked at most once per HEALTH_CHECK_SECONDS.

    Load balancers and monitors call /api/health many times a second; checking PostgreSQL and
    Redis for each call would make the probes themselves a load (README, "Ablation"). Each
    process keeps its last answer for that long, so an outage shows within that time.
    """
    local = caches["local"]
    seconds = settings.HEALTH_CHECK_SECONDS
    states = local.get(HEALTH_KEY) if seconds else None
    if states is None:
        states = {"database": database_status(), "cache": cache_status()}
        if seconds:
            local.set(HEALTH_KEY, states, seconds)
    return states


def health_report() -> dict:
    """{status, timestamp, services}: healthy when the database and the cache answer."""
    services = service_states()
    healthy = all(state == CONNECTED for state in services.values())
    return {
        "status": "healthy" if healthy else "degraded",
        "timestamp": timezone.now().isoformat(),
        "services": services,
    }


class HealthViewSet(viewsets.GenericViewSet):
    singleton = True
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(responses={200: HealthSerializer})
    def retrieve(self, request):
        """Report whether the database and the cache answer: 200 when the database does, else 503."""
        health = health_report()
        if health["services"]["database"] != CONNECTED:
            raise ServiceUnavailableError("The database is unreachable.", details=health)
        return Response(health)
