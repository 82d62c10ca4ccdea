"""Fake TikTok oEmbed and Apify API on loopback, for tests and child processes (no test reaches the internet)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from plans.tiktok import parse_video_url


def scraped_item(n: int, **overrides) -> dict:
    """One dataset item as the Apify actor clockworks/tiktok-scraper exports it."""
    video_id = str(7400000000000000000 + n)
    item = {
        "id": video_id,
        "text": f"Morning routine number {n} #productivity #fyp",
        "createTimeISO": "2026-11-20T08:30:00.000Z",
        "webVideoUrl": f"https://www.tiktok.com/@creator{n % 50}/video/{video_id}",
        "authorMeta": {"name": f"creator{n % 50}", "nickName": f"Creator {n % 50}", "verified": False},
        "videoMeta": {"duration": 30 + n % 60, "coverUrl": f"https://p16-sign.tiktokcdn.com/cover/{video_id}.jpeg"},
        "musicMeta": {"musicName": "original sound", "musicAuthor": f"creator{n % 50}"},
        "playCount": 10_000 + n,
        "diggCount": 1_000 + n % 500,
        "commentCount": 50 + n % 40,
        "shareCount": 20 + n % 30,
        "collectCount": 10 + n % 20,
        "hashtags": [{"name": "productivity"}, {"name": "fyp"}],
        "textLanguage": "en",
        "isAd": False,
    }
    item.update(overrides)
    return item


def thumbnail_svg(path: str) -> str:
    """A coloured square standing in for a video's cover."""
    hue = sum(path.encode()) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160">'
        f'<rect width="160" height="160" fill="hsl({hue},60%,55%)"/>'
        '<polygon points="62,50 62,110 112,80" fill="white"/></svg>'
    )


class FakeServer:
    """A ThreadingHTTPServer on a free loopback port, run in a thread for the length of a `with`."""

    def __init__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.endswith(".svg"):  # thumbnails, for pages a browser shows
                    data, content_type, status = thumbnail_svg(self.path).encode(), "image/svg+xml", 200
                else:
                    fake.requests.append(self.path)
                    status, body = fake.answer(self)
                    data, content_type = json.dumps(body).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, handler) -> tuple[int, object]:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


class FakeOEmbed(FakeServer):
    """TikTok's oEmbed: any video address answers its details; `status` forces another answer.

    With `local_thumbnails`, thumbnails are served here (for a browser) instead of TikTok's CDN.
    """

    def __init__(self, status: int = 200, local_thumbnails: bool = False):
        super().__init__()
        self.status = status
        self.local_thumbnails = local_thumbnails

    def answer(self, handler):
        if self.status != 200:
            return self.status, {"message": "forced"}
        url = parse_qs(urlparse(handler.path).query).get("url", [""])[0]
        ref = parse_video_url(url)
        body = oembed_body(ref.video_id, ref.creator_username)
        if self.local_thumbnails:
            body["thumbnail_url"] = f"{self.url}/thumbnails/{ref.video_id}.svg"
        return 200, body


def oembed_body(video_id: str, creator: str) -> dict:
    return {
        "version": "1.0",
        "type": "video",
        "title": f"Video {video_id} from oEmbed",
        "author_name": f"{creator.title()} Display",
        "author_url": f"https://www.tiktok.com/@{creator}",
        "thumbnail_url": f"https://p16-sign.tiktokcdn.com/oembed/{video_id}.jpeg",
        "provider_name": "TikTok",
    }


class FakeApify(FakeServer):
    """Apify's dataset items API (offset/limit pages); the first `failures` requests answer 503."""

    def __init__(self, datasets: dict[str, list], failures: int = 0, token: str = ""):
        super().__init__()
        self.datasets = datasets
        self.failures = failures
        self.token = token

    def answer(self, handler):
        if self.failures > 0:
            self.failures -= 1
            return 503, {"error": {"type": "overloaded"}}
        if self.token and handler.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"error": {"type": "token-not-valid"}}
        parts = urlparse(handler.path)
        segments = parts.path.strip("/").split("/")  # v2/datasets/<id>/items
        if len(segments) != 4 or segments[:2] != ["v2", "datasets"] or segments[3] != "items":
            return 404, {"error": {"type": "page-not-found"}}
        items = self.datasets.get(segments[2])
        if items is None:
            return 404, {"error": {"type": "record-not-found"}}
        query = parse_qs(parts.query)
        offset, limit = int(query.get("offset", ["0"])[0]), int(query.get("limit", ["1000"])[0])
        return 200, items[offset : offset + limit]
