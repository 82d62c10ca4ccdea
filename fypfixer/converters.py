class IdConverter:
    """A database id in a path: 1 to 18 digits, so it always fits a 64-bit integer.

    Longer numbers never reach the database (they would overflow it); they are unknown
    routes and get the API's 404.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
