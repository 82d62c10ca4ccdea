import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import editor_create


class Command(BaseCommand):
    help = "Create an editor: a staff account in the Editors group that can author content in /admin."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--password",
            help="The password (default: $EDITOR_PASSWORD, else asked for interactively).",
        )

    def handle(self, *args, email, password=None, **options):
        password = password or os.environ.get("EDITOR_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user = editor_create(email=email, password=password)
        self.stdout.write(self.style.SUCCESS(f"Editor {user.email} can now sign in at /admin/."))
