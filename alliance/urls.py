from django.urls import include, path

from alliance.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("alliance.accounts.urls")),
    path("", include("alliance.audit.urls")),
    path("", include("alliance.care.urls")),
]
