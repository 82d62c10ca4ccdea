"""Create the users of a benchmark of writes, and list the steps they can complete.

    .venv/bin/python -m bench.users COUNT

Prints JSON: {"tokens": [an access token per user], "paths": ["/api/plans/P/steps/S/complete", ...]}
for every step of the active template plans (which anyone can complete on any day).
"""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fypfixer.settings")
    django.setup()

    from accounts.models import User
    from accounts.services import user_tokens
    from plans.models import PlanStep

    count = int(sys.argv[1])
    # Premium, so the steps of premium categories count too (the peer has no premium rule).
    users = [
        User.objects.update_or_create(email=f"writer{n}@bench.example.com", defaults={"is_premium": True})[0]
        for n in range(count)
    ]
    steps = PlanStep.objects.filter(plan__is_template=True, plan__is_active=True).values_list("plan_id", "pk")
    print(
        json.dumps(
            {
                "tokens": [user_tokens(user=user)["token"] for user in users],
                "paths": [f"/api/plans/{plan}/steps/{step}/complete" for plan, step in steps.order_by("pk")],
            }
        )
    )


if __name__ == "__main__":
    main()
