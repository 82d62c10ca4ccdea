"""Following categories (free ones up to a limit, premium ones for some days) and premium waitlists."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Category, CategorySubscription, WaitlistEntry
from fypfixer.api import ApplicationError, ConflictError, NotFoundError


class CategoryNotFound(NotFoundError):
    message = "There is no active category with this id."


class FreeCategoryLimit(ConflictError):
    code = "free_category_limit"

    def __init__(self):
        limit = settings.MAX_FREE_CATEGORIES
        super().__init__(f"You can follow at most {limit} free categories. Remove one to add another.")


class PremiumCategoryNeedsPremium(ApplicationError):
    status_code = 403
    code = "premium_required"
    message = "This is a premium category. Upgrade to premium to follow it."


class NotAWaitlistCategory(ApplicationError):
    message = "Only premium categories have a waitlist."

    def __init__(self):
        super().__init__(details={"category_id": [self.message]})


def active_category_by_id(*, category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise CategoryNotFound()
    return category


@transaction.atomic
def category_follow(*, user, category_id: int, purchased: bool = False) -> CategorySubscription:
    """Follow a category: a free one within MAX_FREE_CATEGORIES, a premium one (premium users only)
    for PREMIUM_ACCESS_DAYS. Following again renews it. The user's row is locked, so two requests
    at once cannot both pass the free limit."""
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    category = active_category_by_id(category_id=category_id)
    now = timezone.now()
    if category.is_premium and not user.is_premium:
        raise PremiumCategoryNeedsPremium()
    existing = CategorySubscription.objects.filter(user=user, category=category).first()
    if not category.is_premium and not (existing and existing.is_active):
        following = CategorySubscription.objects.filter(user=user, is_active=True, category__is_premium=False).count()
        if following >= settings.MAX_FREE_CATEGORIES:
            raise FreeCategoryLimit()
    subscription = existing or CategorySubscription(user=user, category=category)
    if not (existing and existing.is_active and not existing.is_expired(now)):
        subscription.activated_at = now
    subscription.is_active = True
    subscription.is_purchased = purchased and category.is_premium
    subscription.expires_at = now + timedelta(days=settings.PREMIUM_ACCESS_DAYS) if category.is_premium else None
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        subscription = CategorySubscription.objects.get(user=user, category=category)
    return subscription


def category_unfollow(*, user, category_id: int) -> bool:
    """Stop following a category; return whether the user followed it."""
    return (
        CategorySubscription.objects.filter(user=user, category_id=category_id, is_active=True).update(
            is_active=False, updated_at=timezone.now()
        )
        > 0
    )


def waitlist_join(*, user, category_id: int) -> WaitlistEntry:
    """Put the user on a premium category's waitlist (joining twice changes nothing)."""
    category = active_category_by_id(category_id=category_id)
    if not category.is_premium:
        raise NotAWaitlistCategory()
    entry, _created = WaitlistEntry.objects.get_or_create(user=user, category=category)
    return entry


def waitlist_leave(*, user, category_id: int) -> bool:
    """Take the user off a premium category's waitlist (leaving twice changes nothing)."""
    category = active_category_by_id(category_id=category_id)
    if not category.is_premium:
        raise NotAWaitlistCategory()
    deleted, _ = WaitlistEntry.objects.filter(user=user, category=category).delete()
    return deleted > 0
