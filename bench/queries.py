"""Count the SQL queries each of our endpoints runs, cold (empty caches) and warm.

    .venv/bin/python -m bench.queries TOKEN ENDPOINTS_JSON

ENDPOINTS_JSON is a list of [name, method, path, signed_in]. Prints {name: [cold, warm]} as
JSON. Run it before the servers are measured: it empties the shared cache.
"""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fypfixer.settings")
    django.setup()

    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    token, endpoints = sys.argv[1], json.loads(sys.argv[2])
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, method, path, signed_in in endpoints:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if signed_in else {}
        runs = []
        for warm in (False, True):
            if not warm:
                for cache in caches.all():
                    cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(path, content_type="application/json", **headers)
            if response.status_code >= 300:
                raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
            runs.append(len(queries))
        counts[name] = runs
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
