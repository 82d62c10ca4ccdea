from django.core.management import call_command
from django.core.management.base import BaseCommand

from plans.bench_data import bench_plans_create


class Command(BaseCommand):
    help = "Load the fixtures and the benchmark plans (the Flask peer's `seed_db.py --big` shape)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plans-per-category", type=int, default=50, help="Template plans per category (default 50)."
        )

    def handle(self, *args, plans_per_category, **options):
        call_command("loaddata", "categories", "demo_plans", verbosity=0)
        counts = bench_plans_create(plans_per_category=plans_per_category)
        self.stdout.write(f"plans={counts['plans']} steps={counts['steps']} items={counts['items']}")
