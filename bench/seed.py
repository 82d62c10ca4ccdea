"""Load the benchmark data into the database DATABASE_URL names (the Flask peer's `seed_db.py --big` shape).

DATABASE_URL=postgres://... .venv/bin/python -m bench.seed [--plans-per-category 50]
"""

import argparse
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans-per-category", type=int, default=50, help="template plans per category (default 50)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fypfixer.settings")
    django.setup()

    from django.core.management import call_command

    from bench.data import bench_plans_create

    call_command("loaddata", "categories", "demo_plans", verbosity=0)
    counts = bench_plans_create(plans_per_category=args.plans_per_category)
    print(f"plans={counts['plans']} steps={counts['steps']} items={counts['items']}")


if __name__ == "__main__":
    main()
