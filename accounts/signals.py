from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.authentication import forget_user
from accounts.models import User, UserPreferences


@receiver(post_save, sender=User, dispatch_uid="accounts.create_preferences")
def create_preferences(sender, instance, created, raw, **kwargs):
    """Give every new user their preferences row, whichever way the user was created.

    A signal rather than a service because users are also created by createsuperuser, the
    admin and tests, and each of them must end up with preferences.
    """
    if created and not raw:
        UserPreferences.objects.get_or_create(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.forget_cached_user")
@receiver(post_delete, sender=User, dispatch_uid="accounts.forget_deleted_user")
def forget_cached_user(sender, instance, **kwargs):
    """Drop the user's row from the cache (accounts/authentication.py), now and after the commit.

    After the commit too, so a request that read the row before the change cannot leave the
    old row cached.
    """
    user_id = instance.pk
    forget_user(user_id)
    transaction.on_commit(lambda: forget_user(user_id))
