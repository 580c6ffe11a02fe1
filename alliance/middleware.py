from django.conf import settings
from django.http import JsonResponse
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


API_PREFIX = "/api/"
# A body up to this size over the limit is read and dropped before the 413, so the client
# reads the answer rather than a reset connection; a larger one is answered at once.
DRAIN_LIMIT = 16 * 1024 * 1024


class ApiErrorsMiddleware:
    """Under /api/ every error is JSON `{"detail": …}`, whichever layer answers it.

    The API's own handlers shape the errors its operations raise; this catches those made
    before or around them: a body over the size limit (413, never read into memory), a path
    the API does not have (404), a method an operation does not take (405), a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        too_big = self.body_too_big(request)
        if too_big is not None:
            return too_big
        response = self.get_response(request)
        if response.status_code >= 400 and not is_json(response):
            response = as_json(response)
        return response

    def body_too_big(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return None
        response = JsonResponse(
            {"detail": f"The request body is larger than the {limit:,} bytes accepted."},
            status=413,
        )
        if length <= DRAIN_LIMIT:
            while request.read(65536):
                pass
        else:
            response["Connection"] = "close"
        return response


def is_json(response) -> bool:
    """JSON of any kind: plain, or a JSON format of its own such as FHIR's
    `application/fhir+json`, whose OperationOutcome already says what went wrong."""
    media = response.get("Content-Type", "").split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def as_json(response):
    status = response.status_code
    if status == 404:
        detail = "Not found: the API has no such path."
    elif status == 405:
        allowed = response.get("Allow", "")
        detail = f"This path does not take that method; it takes {allowed}."
    else:
        detail = response.reason_phrase or "The request could not be answered."
    replacement = JsonResponse({"detail": detail}, status=status)
    for header in ("Allow", "Retry-After", "Connection"):
        if header in response:
            replacement[header] = response[header]
    return replacement
