from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User, UserPreferences


@receiver(post_save, sender=User, dispatch_uid="accounts.create_preferences")
def create_preferences(sender, instance, created, raw, **kwargs):
    """Give every new user their preferences row, whichever way the user was created.

    A signal rather than a service because users are also created by createsuperuser, the
    admin and tests, and each of them must end up with preferences.
    """
    if created and not raw:
        UserPreferences.objects.get_or_create(user=instance)
