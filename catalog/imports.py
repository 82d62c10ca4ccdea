"""Import the TikTok scraper's dataset (Apify actor clockworks/tiktok-scraper) into the video library.

Reads the dataset export as a JSON array, JSON lines or CSV, one item at a time (ijson for
arrays, so memory does not grow with the file), checks each item, and upserts the valid ones
by TikTok video id in batches, each batch in its own transaction: re-importing updates stats
and never duplicates, and a crash mid-file loses nothing already committed (a re-run finishes
the job). Bad items are reported with their line (or item number) and the reason.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import ijson
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.models import STAT_FIELDS, Video, engagement_rate
from fypfixer.content_cache import content_changed
from plans.tiktok import canonical_video_url, parse_video_url

BATCH_SIZE = 1000
MAX_REPORTED_ERRORS = 200
STATS = {
    "plays": "playCount",
    "likes": "diggCount",
    "comments": "commentCount",
    "shares": "shareCount",
    "saves": "collectCount",
}
UPDATED_FIELDS = [
    "url",
    "creator_username",
    "creator_name",
    "title",
    "thumbnail_url",
    "duration_seconds",
    "language",
    "hashtags",
    *STATS,
    "engagement_rate",
    "last_seen_at",
    "is_gone",
    "updated_at",
]
# What "unchanged" compares: the fields a scrape can change.
COMPARED_FIELDS = [name for name in UPDATED_FIELDS if name not in ("last_seen_at", "updated_at", "engagement_rate")]


class RowRejected(ValueError):
    pass


class FileUnreadable(ValueError):
    """The file stops being JSON (or CSV) somewhere: nothing after that point can be read."""


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)

    def reject(self, where: str, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"where": where, "reason": reason})

    def as_dict(self) -> dict:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged, "rejected": self.rejected}


def read_items(stream) -> Iterator[tuple[str, dict]]:
    """Yield (where, item) from a binary stream holding a JSON array, JSON lines or CSV."""
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = buffered.peek(64).lstrip()[:1]
    if head == b"[":
        number = 0
        try:
            for number, item in enumerate(ijson.items(buffered, "item", use_float=True), start=1):
                yield f"item {number}", item
        except ijson.JSONError as error:
            raise FileUnreadable(f"the JSON breaks after item {number}: {error}") from None
    elif head == b"{":
        for number, line in enumerate(buffered, start=1):
            if line.strip():
                try:
                    yield f"line {number}", json.loads(line)
                except ValueError:
                    yield f"line {number}", None
    else:
        text = io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        try:
            for row in reader:
                yield f"line {reader.line_num}", unflatten(row)
        except (csv.Error, UnicodeDecodeError) as error:
            raise FileUnreadable(f"not UTF-8 CSV after line {reader.line_num}: {error}") from None


def unflatten(row: dict) -> dict:
    """Turn CSV columns such as `authorMeta/name` or `hashtags/0/name` back into nested values."""
    item: dict = {}
    hashtags: dict = {}
    for column, value in row.items():
        if column is None or value in (None, ""):
            continue
        parts = column.replace(".", "/").split("/")
        if parts[0] == "hashtags" and len(parts) == 3 and parts[1].isdigit() and len(parts[1]) < 4:
            hashtags[int(parts[1])] = value
        elif len(parts) == 2:
            item.setdefault(parts[0], {})[parts[1]] = value
        else:
            item[column] = value
    if hashtags:
        item["hashtags"] = [{"name": hashtags[n]} for n in sorted(hashtags)]
    return item


def count(value, name: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise RowRejected(f"{name} is not a number")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise RowRejected(f"{name} is not a number")
    if number < 0 or number != int(number) or number > 10**15:
        raise RowRejected(f"{name} is out of range")
    return int(number)


def truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


def video_fields(item, *, include_ads: bool, now: datetime) -> dict:
    """The library fields of one dataset item, or RowRejected with the reason."""
    if not isinstance(item, dict):
        raise RowRejected("not a JSON object")
    raw_id = item.get("id")
    tiktok_id = str(raw_id).strip() if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    if not tiktok_id.isdigit() or len(tiktok_id) > 32:
        raise RowRejected("no TikTok video id")
    if truthy(item.get("isAd")) and not include_ads:
        raise RowRejected("an ad (ads are not imported)")
    author = item.get("authorMeta") if isinstance(item.get("authorMeta"), dict) else {}
    url = item.get("webVideoUrl") or (
        f"https://www.tiktok.com/@{author.get('name')}/video/{tiktok_id}" if author.get("name") else ""
    )
    try:
        ref = parse_video_url(str(url))
    except ValidationError:
        raise RowRejected("webVideoUrl is not a TikTok video address") from None
    if ref.video_id != tiktok_id:
        raise RowRejected("webVideoUrl is the address of another video")
    meta = item.get("videoMeta") if isinstance(item.get("videoMeta"), dict) else {}
    cover = meta.get("coverUrl") or ""
    hashtags = item.get("hashtags") or []
    if not isinstance(hashtags, list):
        raise RowRejected("hashtags is not a list")
    fields = {
        "tiktok_id": tiktok_id,
        "url": canonical_video_url(ref),
        "creator_username": ref.creator_username,
        "creator_name": str(author.get("nickName") or "")[:200],
        "title": str(item.get("text") or ""),
        "thumbnail_url": cover
        if isinstance(cover, str) and cover.startswith(("http://", "https://")) and len(cover) <= 1000
        else "",
        "duration_seconds": count(meta.get("duration"), "videoMeta.duration") or None,
        "language": str(item.get("textLanguage") or "")[:16],
        "hashtags": [str(tag.get("name"))[:100] for tag in hashtags if isinstance(tag, dict) and tag.get("name")][:50],
        **{name: count(item.get(key), key) for name, key in STATS.items()},
        "last_seen_at": now,
        "is_gone": False,
        "updated_at": now,
    }
    created = parse_datetime(str(item.get("createTimeISO") or "")) if item.get("createTimeISO") else None
    if item.get("createTimeISO") and created is None:
        raise RowRejected("createTimeISO is not a date")
    fields["engagement_rate"] = engagement_rate(**{name: fields[name] for name in STAT_FIELDS})
    return fields


def import_items(
    items: Iterable[tuple[str, dict]],
    *,
    dry_run: bool = False,
    include_ads: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every item and upsert the valid ones by video id, a batch at a time; return the counts."""
    report = ImportReport()
    now = timezone.now()
    batch: dict[str, dict] = {}
    for where, item in items:
        try:
            fields = video_fields(item, include_ads=include_ads, now=now)
        except RowRejected as error:
            report.reject(where, str(error))
        else:
            batch[fields["tiktok_id"]] = fields
        if len(batch) >= BATCH_SIZE:
            _save_batch(batch, report, dry_run=dry_run)
            if progress:
                progress(len(batch))
            batch = {}
    if batch:
        _save_batch(batch, report, dry_run=dry_run)
        if progress:
            progress(len(batch))
    if not dry_run and (report.new or report.updated):
        content_changed()  # bulk upserts send no signal; plans show their videos' titles and thumbnails
    return report


def _save_batch(batch: dict[str, dict], report: ImportReport, *, dry_run: bool) -> None:
    existing = {
        row["tiktok_id"]: row
        for row in Video.objects.filter(tiktok_id__in=list(batch)).values("tiktok_id", *COMPARED_FIELDS)
    }
    for tiktok_id, fields in batch.items():
        before = existing.get(tiktok_id)
        if before is None:
            report.new += 1
        elif any(before[name] != fields[name] for name in COMPARED_FIELDS):
            report.updated += 1
        else:
            report.unchanged += 1
    if dry_run:
        return
    with transaction.atomic():
        Video.objects.bulk_create(
            [
                Video(**fields, source=Video.Source.SCRAPER, first_seen_at=fields["last_seen_at"])
                for fields in batch.values()
            ],
            update_conflicts=True,
            unique_fields=["tiktok_id"],
            update_fields=UPDATED_FIELDS,
        )
