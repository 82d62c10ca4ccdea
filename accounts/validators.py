from django.core.exceptions import ValidationError


class VisibleCharactersValidator:
    """Refuse passwords made mostly of spaces: at least `min_length` characters that are not whitespace.

    Django's MinimumLengthValidator counts every character, so eight spaces would pass it.
    """

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if sum(not character.isspace() for character in password) < self.min_length:
            raise ValidationError(
                f"This password needs at least {self.min_length} characters that are not spaces.",
                code="password_mostly_blank",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at least {self.min_length} characters that are not spaces."
