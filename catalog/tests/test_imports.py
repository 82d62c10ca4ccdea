"""Importing the scraper's dataset: JSON array, JSON lines and CSV, upserts by id, bad rows with line and reason."""

import csv
import io
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog.imports import BATCH_SIZE, FileUnreadable, import_items, read_items
from catalog.models import Video
from catalog.tests.fakes import scraped_item
from fypfixer.tests.servers import environment, manage

pytestmark = pytest.mark.django_db


def as_json_array(items) -> bytes:
    return json.dumps(items).encode()


def as_json_lines(items) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode()


def as_csv(items) -> bytes:
    """Apify's CSV export: nested fields flattened into columns such as authorMeta/name and hashtags/0/name."""
    rows = []
    for item in items:
        row = {}
        for key, value in item.items():
            if isinstance(value, dict):
                row.update({f"{key}/{inner}": v for inner, v in value.items()})
            elif isinstance(value, list):
                row.update({f"{key}/{n}/name": tag["name"] for n, tag in enumerate(value)})
            else:
                row[key] = value
        rows.append(row)
    columns = list(dict.fromkeys(column for row in rows for column in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def run(data: bytes, **options):
    return import_items(read_items(io.BytesIO(data)), **options)


@pytest.mark.parametrize("encode", [as_json_array, as_json_lines, as_csv], ids=["array", "lines", "csv"])
def test_each_export_format_fills_the_library_the_same(encode):
    items = [scraped_item(n) for n in range(3)]

    report = run(encode(items))

    assert report.as_dict() == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    video = Video.objects.get(tiktok_id=items[1]["id"])
    assert video.url == f"https://www.tiktok.com/@creator1/video/{items[1]['id']}"
    assert (video.creator_username, video.creator_name) == ("creator1", "Creator 1")
    assert video.title == "Morning routine number 1 #productivity #fyp"
    assert video.thumbnail_url == f"https://p16-sign.tiktokcdn.com/cover/{items[1]['id']}.jpeg"
    assert (video.duration_seconds, video.language, video.hashtags) == (31, "en", ["productivity", "fyp"])
    assert (video.plays, video.likes, video.comments, video.shares, video.saves) == (10001, 1001, 51, 21, 11)
    assert video.engagement_rate == round((1001 + 51 + 21 + 11) / 10001, 6)
    assert video.source == Video.Source.SCRAPER


def test_re_importing_updates_stats_and_never_duplicates():
    items = [scraped_item(n) for n in range(3)]
    run(as_json_array(items))
    first_seen = Video.objects.get(tiktok_id=items[0]["id"]).first_seen_at
    items[0]["playCount"] = 99_999

    report = run(as_json_array(items))

    assert report.as_dict() == {"new": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    assert Video.objects.count() == 3
    video = Video.objects.get(tiktok_id=items[0]["id"])
    assert video.plays == 99_999
    assert video.first_seen_at == first_seen
    assert video.last_seen_at >= first_seen


def test_an_editors_video_the_scraper_finds_gets_its_stats():
    item = scraped_item(1)
    Video.objects.create(tiktok_id=item["id"], url=item["webVideoUrl"], title="Pasted by an editor")

    report = run(as_json_array([item]))

    assert report.updated == 1
    video = Video.objects.get()
    assert video.plays == item["playCount"]


def test_bad_rows_are_rejected_with_their_line_and_reason():
    good = scraped_item(0)
    bad = [
        {**scraped_item(1), "id": None},
        {**scraped_item(2), "webVideoUrl": "https://example.com/video/7400000000000000002"},
        {**scraped_item(3), "playCount": "many"},
        {**scraped_item(4), "isAd": True},
        {**scraped_item(5), "diggCount": -3},
        {**scraped_item(6), "hashtags": "fyp"},
        {**scraped_item(7), "createTimeISO": "yesterday"},
        {**scraped_item(8), "webVideoUrl": "https://www.tiktok.com/@x/video/1"},
    ]
    data = as_json_lines([good, *bad]) + b"{not json\n"

    report = run(data)

    assert (report.new, report.rejected) == (1, 9)
    assert report.errors == [
        {"where": "line 2", "reason": "no TikTok video id"},
        {"where": "line 3", "reason": "webVideoUrl is not a TikTok video address"},
        {"where": "line 4", "reason": "playCount is not a number"},
        {"where": "line 5", "reason": "an ad (ads are not imported)"},
        {"where": "line 6", "reason": "diggCount is out of range"},
        {"where": "line 7", "reason": "hashtags is not a list"},
        {"where": "line 8", "reason": "createTimeISO is not a date"},
        {"where": "line 9", "reason": "webVideoUrl is the address of another video"},
        {"where": "line 10", "reason": "not a JSON object"},
    ]
    assert list(Video.objects.values_list("tiktok_id", flat=True)) == [good["id"]]


def test_ads_come_in_when_asked():
    report = run(as_json_array([{**scraped_item(1), "isAd": True}]), include_ads=True)
    assert report.new == 1


def test_csv_rows_are_reported_by_their_line():
    data = as_csv([scraped_item(0), {**scraped_item(1), "playCount": "lots"}])
    report = run(data)
    assert report.errors == [{"where": "line 3", "reason": "playCount is not a number"}]


def test_a_dry_run_counts_and_changes_nothing():
    run(as_json_array([scraped_item(0)]))
    items = [{**scraped_item(0), "playCount": 5}, scraped_item(1), {"id": "x"}]

    report = run(as_json_array(items), dry_run=True)

    assert report.as_dict() == {"new": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    assert Video.objects.count() == 1
    assert Video.objects.get().plays == 10_000


def test_a_crash_mid_file_loses_nothing_committed_and_a_re_run_finishes(transactional_db):
    items = [scraped_item(n) for n in range(BATCH_SIZE * 2 + 10)]

    def crashing(after: int):
        for number, item in enumerate(items[:after], start=1):
            yield f"item {number}", item
        raise OSError("the disk went away")

    with pytest.raises(OSError):
        import_items(crashing(BATCH_SIZE * 2 + 5))
    assert Video.objects.count() == BATCH_SIZE * 2  # two whole batches committed

    report = run(as_json_array(items))

    assert (report.new, report.unchanged) == (10, BATCH_SIZE * 2)
    assert Video.objects.count() == len(items)


# The command, run as an operator runs it


@pytest.fixture
def fresh_database(tmp_path):
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", TIKTOK_OEMBED_URL="http://127.0.0.1:9")
    result = manage("migrate", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    return env


def count_videos(env) -> int:
    result = manage("shell", "-c", "from catalog.models import Video; print(Video.objects.count())", env=env)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_the_command_imports_a_file_and_reports_bad_rows(fresh_database, tmp_path):
    path = tmp_path / "dataset.json"
    path.write_bytes(as_json_array([scraped_item(0), scraped_item(1), {**scraped_item(2), "id": ""}]))

    dry = manage("import_videos", str(path), "--dry-run", env=fresh_database)
    assert dry.returncode == 0, dry.stderr
    assert "Would import: 2 new, 0 updated, 0 unchanged, 1 rejected." in dry.stdout
    assert "item 3: no TikTok video id" in dry.stderr
    assert count_videos(fresh_database) == 0

    real = manage("import_videos", str(path), env=fresh_database)
    assert real.returncode == 0, real.stderr
    assert "Imported: 2 new, 0 updated, 0 unchanged, 1 rejected." in real.stdout
    assert count_videos(fresh_database) == 2

    again = manage("import_videos", str(path), env=fresh_database)
    assert "Imported: 0 new, 0 updated, 2 unchanged, 1 rejected." in again.stdout


def test_the_command_reads_an_address(fresh_database, tmp_path):
    (tmp_path / "export.jsonl").write_bytes(as_json_lines([scraped_item(n) for n in range(5)]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/export.jsonl"
        result = manage("import_videos", url, env=fresh_database)
        missing = manage("import_videos", url.replace("export", "missing"), env=fresh_database)
    finally:
        server.shutdown()
        server.server_close()

    assert result.returncode == 0, result.stderr
    assert "Imported: 5 new" in result.stdout
    assert missing.returncode == 1
    assert "Cannot read" in missing.stderr and "404" in missing.stderr


def test_the_command_refuses_a_missing_file(fresh_database, tmp_path):
    result = manage("import_videos", str(tmp_path / "nope.json"), env=fresh_database)
    assert result.returncode == 1
    assert "Cannot read" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"id": "1"}, {"id": ', "the JSON breaks after item 1"),
        (b"id,text\n1,\xff\xfe\n", "not UTF-8 CSV"),
    ],
    ids=["broken-json", "not-utf8"],
)
def test_a_file_that_breaks_midway_says_where(data, message):
    with pytest.raises(FileUnreadable, match=message):
        run(data)


def test_odd_csv_columns_are_ignored_not_fatal():
    data = b"id,webVideoUrl,hashtags/x/name,hashtags/99999/name\n7400000000000000001,https://www.tiktok.com/@a/video/7400000000000000001,a,b\n"
    report = run(data)
    assert report.new == 1
