"""Every existing video item's video goes into the library, one row per TikTok video id.

Items keep their own fields (address, ids, title, thumbnail), so nothing is lost. The API shows
an item's own title and thumbnail, else its library video's; so that its JSON stays exactly as
it was, the library row takes a title (or thumbnail) only when every item of that video has
one: an item left empty stays empty until TikTok's oEmbed fills the library. Going back only
unlinks the items (the library rows made here go with the library's table, a migration earlier).
"""

from django.db import migrations


def shared(values: list[str]) -> str:
    """The first value, when no item left it empty."""
    return values[0] if values and all(values) else ""


def link_items(apps, schema_editor):
    StepItem = apps.get_model("plans", "StepItem")
    Video = apps.get_model("catalog", "Video")
    by_video: dict[str, list] = {}
    for item in StepItem.objects.order_by("pk").only(
        "pk", "video_id", "video_url", "creator_username", "title", "thumbnail_url"
    ).iterator(chunk_size=2000):
        by_video.setdefault(item.video_id, []).append(item)
    for video_id, items in by_video.items():
        video, _created = Video.objects.get_or_create(
            tiktok_id=video_id,
            defaults={
                "url": items[0].video_url,
                "creator_username": items[0].creator_username,
                "title": shared([item.title for item in items]),
                "thumbnail_url": shared([item.thumbnail_url for item in items]),
                "source": "manual",
            },
        )
        StepItem.objects.filter(pk__in=[item.pk for item in items]).update(library_video=video)


def unlink_items(apps, schema_editor):
    apps.get_model("plans", "StepItem").objects.update(library_video=None)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_items_reference_library_videos"),
        ("catalog", "0004_video_library"),
    ]

    operations = [migrations.RunPython(link_items, unlink_items)]
