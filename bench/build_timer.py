"""Time what a cache miss costs: building the daily plan and a page of plans, without the cache.

    .venv/bin/python -m bench.build_timer

Prints {"plan": ms, "plans20": ms} as JSON (median of 200 builds each).
"""

import json
import os
import statistics
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fypfixer.settings")
    django.setup()

    from django.test import RequestFactory
    from django.utils import timezone
    from rest_framework.request import Request

    from plans.payloads import daily_plan_data, plan_page_data
    from plans.views import PlanPagination

    request = Request(RequestFactory().get("/api/plans?limit=20"))
    builders = {
        "plans20": lambda: plan_page_data(
            paginator=PlanPagination(), request=request, category_code=None, language="en"
        ),
        "plan": lambda: daily_plan_data(category_code="personal_growth", language="en", day=timezone.localdate()),
    }
    out = {}
    for name, build in builders.items():
        build()
        samples = []
        for _ in range(200):
            start = time.perf_counter()
            build()
            samples.append((time.perf_counter() - start) * 1000)
        out[name] = statistics.median(samples)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
