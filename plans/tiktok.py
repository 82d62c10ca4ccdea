"""TikTok video URLs: what editors paste, and the ids derived from them."""

import re
from typing import NamedTuple

from django.core.exceptions import ValidationError

VIDEO_URL = re.compile(
    r"^https?://(?:www\.|m\.)?tiktok\.com/@(?P<creator>[A-Za-z0-9_.]{1,64})/video/(?P<video_id>[0-9]{1,32})/?(?:[?#].*)?$"
)
SHORT_LINK_HOSTS = ("vm.tiktok.com", "vt.tiktok.com", "tiktok.com/t/", "www.tiktok.com/t/")

EXAMPLE_URL = "https://www.tiktok.com/@creator/video/7234567890123456789"


class VideoRef(NamedTuple):
    creator_username: str
    video_id: str


def parse_video_url(url: str) -> VideoRef:
    """Return the creator and video id of a TikTok video URL, or raise ValidationError."""
    match = VIDEO_URL.match((url or "").strip())
    if match:
        return VideoRef(creator_username=match["creator"], video_id=match["video_id"])
    if any(host in (url or "") for host in SHORT_LINK_HOSTS):
        raise ValidationError(
            "Short TikTok links cannot be read. Open the link in a browser and paste the full "
            f"address, like {EXAMPLE_URL}.",
            code="tiktok_short_link",
        )
    raise ValidationError(f"Enter the address of a TikTok video, like {EXAMPLE_URL}.", code="not_a_tiktok_video")


def validate_video_url(url: str) -> None:
    """Model field validator: accept TikTok video URLs only."""
    parse_video_url(url)


# Characters RFC 3986 never allows in a URI: a URL with one would break clients that expect one.
UNSAFE_URL_CHARACTERS = re.compile(r'[\s"<>\\^`{|}]')


def validate_public_url(url: str) -> None:
    """Model field validator: an http(s) address made only of characters a URI may contain."""
    if UNSAFE_URL_CHARACTERS.search(url or ""):
        raise ValidationError("Enter an address without spaces, quotes or angle brackets.", code="unsafe_url")
    if not (url or "").lower().startswith(("http://", "https://")):
        raise ValidationError("Enter an http or https address.", code="not_http")


def canonical_video_url(ref: VideoRef) -> str:
    """Return the canonical https://www.tiktok.com/@creator/video/id address."""
    return f"https://www.tiktok.com/@{ref.creator_username}/video/{ref.video_id}"
