from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTScheme(SimpleJWTScheme):
    """Document our JWTAuthentication subclass as simplejwt's bearer scheme."""

    target_class = "accounts.authentication.JWTAuthentication"
