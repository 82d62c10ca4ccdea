from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User, UserPreferences
from fypfixer.invalidation import subscription


@receiver(post_save, sender=User, dispatch_uid="accounts.create_preferences")
def create_preferences(sender, instance, created, raw, **kwargs):
    """Give every new user their preferences row, whichever way the user was created.

    A signal rather than a service because users are also created by createsuperuser, the
    admin and tests, and each of them must end up with preferences.
    """
    if created and not raw:
        UserPreferences.objects.get_or_create(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.announce_user_change")
@receiver(post_delete, sender=User, dispatch_uid="accounts.announce_user_removal")
def announce_user_change(sender, instance, **kwargs):
    """Tell every process to forget this user's cached row (accounts/authentication.py).

    Now, and again after the commit, so no process re-caches the row as it was before.
    """
    pk = instance.pk
    subscription.publish("user", pk)
    transaction.on_commit(lambda: subscription.publish("user", pk))
