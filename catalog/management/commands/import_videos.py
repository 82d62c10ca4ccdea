import sys
from contextlib import contextmanager

import requests
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.imports import FileUnreadable, import_items, read_items


@contextmanager
def opened(source: str):
    """A binary stream of a local file or of an http(s) address."""
    if source.startswith(("http://", "https://")):
        with requests.get(source, stream=True, timeout=30) as answer:
            answer.raise_for_status()
            answer.raw.decode_content = True
            answer.raw.auto_close = False  # else it reports itself closed at the end, mid-read
            yield answer.raw
    else:
        with open(source, "rb") as stream:
            yield stream


class Command(BaseCommand):
    help = "Import the TikTok scraper's dataset export (JSON array, JSON lines or CSV) into the video library."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) address of the export.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, change nothing.")
        parser.add_argument("--include-ads", action="store_true", help="Import ads too (left out by default).")

    def handle(self, *args, source, dry_run, include_ads, **options):
        bar = tqdm(unit=" videos", disable=not sys.stderr.isatty(), file=sys.stderr)
        try:
            with opened(source) as stream:
                report = import_items(read_items(stream), dry_run=dry_run, include_ads=include_ads, progress=bar.update)
        except (OSError, requests.RequestException, FileUnreadable) as error:
            raise CommandError(f"Cannot read {source}: {error}") from None
        finally:
            bar.close()
        for error in report.errors:
            self.stderr.write(f"{error['where']}: {error['reason']}")
        if report.rejected > len(report.errors):
            self.stderr.write(f"... and {report.rejected - len(report.errors)} more rejected")
        verb = "Would import" if dry_run else "Imported"
        counts = f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged"
        self.stdout.write(f"{verb}: {counts}, {report.rejected} rejected.")
