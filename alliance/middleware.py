from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages and API answers may hold health data: no browser or proxy may keep a copy.

    Static files never reach this point (WhiteNoise answers them first), so everything that does
    is dynamic and gets `Cache-Control: no-store`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        return response
