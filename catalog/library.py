"""The video library: videos found from an address, filled from TikTok's oEmbed, imported from the scraper."""

import logging

import requests
from django.conf import settings
from django.utils import timezone

from catalog.models import Video
from plans.tiktok import canonical_video_url, parse_video_url

logger = logging.getLogger(__name__)


class EnrichmentFailed(Exception):
    """TikTok's oEmbed did not answer (down, slow or broken): try again later."""


def video_for_url(url: str, *, title: str = "", thumbnail_url: str = "") -> Video:
    """Return the library's video for a TikTok address, adding it (as pasted by an editor) when new."""
    ref = parse_video_url(url)
    video, created = Video.objects.get_or_create(
        tiktok_id=ref.video_id,
        defaults={
            "url": canonical_video_url(ref),
            "creator_username": ref.creator_username,
            "title": title,
            "thumbnail_url": thumbnail_url,
            "source": Video.Source.MANUAL,
        },
    )
    if not created:
        Video.objects.filter(pk=video.pk).update(last_seen_at=timezone.now())
    return video


def video_enrich(video: Video) -> Video:
    """Fill the video's title, creator name and thumbnail from TikTok's oEmbed endpoint.

    A 404 there means TikTok no longer serves the video: it is marked gone. TikTok down or
    slow (TIKTOK_OEMBED_TIMEOUT_SECONDS) raises EnrichmentFailed, for a job to retry later.
    """
    try:
        answer = requests.get(
            settings.TIKTOK_OEMBED_URL, params={"url": video.url}, timeout=settings.TIKTOK_OEMBED_TIMEOUT_SECONDS
        )
    except requests.RequestException as error:
        raise EnrichmentFailed(type(error).__name__) from None
    if answer.status_code in (400, 404):
        video.is_gone = True
        video.save(update_fields=["is_gone", "updated_at"])
        return video
    if answer.status_code != 200:
        raise EnrichmentFailed(f"oEmbed answered {answer.status_code}")
    try:
        body = answer.json()
    except ValueError:
        raise EnrichmentFailed("oEmbed answered something that is not JSON") from None
    video.title = str(body.get("title") or video.title)
    video.creator_name = str(body.get("author_name") or video.creator_name)[:200]
    thumbnail = str(body.get("thumbnail_url") or "")
    if thumbnail.startswith(("http://", "https://")) and len(thumbnail) <= 1000:
        video.thumbnail_url = thumbnail
    video.is_gone = False
    if video.source == Video.Source.MANUAL:
        video.source = Video.Source.OEMBED
    video.enriched_at = timezone.now()
    video.save()
    return video
