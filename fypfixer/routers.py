"""The router every app registers its viewsets on."""

from rest_framework.routers import DynamicRoute, Route, SimpleRouter


class ApiRouter(SimpleRouter):
    """DRF's SimpleRouter with the contract's paths: no trailing slash, ids through the "id"
    converter (fypfixer/converters.py), and singleton resources.

    A viewset with `singleton = True` is one resource per user, such as /api/user: its
    list-level route reads and changes it (retrieve, update, partial_update), and its
    `@action(detail=True)`s sit beneath it (/api/preferences/complete-onboarding).
    """

    singleton_routes = [
        Route(
            url="{prefix}",
            mapping={"get": "retrieve", "put": "update", "patch": "partial_update", "post": "create"},
            name="{basename}",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
        DynamicRoute(url="{prefix}/{url_path}", name="{basename}-{url_name}", detail=True, initkwargs={}),
    ]

    def __init__(self):
        super().__init__(trailing_slash=False, use_regex_path=False)

    def get_routes(self, viewset):
        if not getattr(viewset, "singleton", False):
            return super().get_routes(viewset)
        routes = []
        for route in self.singleton_routes:
            if isinstance(route, DynamicRoute):
                routes += [self._get_dynamic_route(route, action) for action in viewset.get_extra_actions()]
            else:
                routes.append(route)
        return routes
