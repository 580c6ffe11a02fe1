from django.urls import include, path

from alliance.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("alliance.accounts.urls")),
    path("", include("alliance.audit.urls")),
    path("", include("alliance.care.urls")),
    path("", include("alliance.goals.urls")),
    path("", include("alliance.homework.urls")),
    path("", include("alliance.measures.urls")),
    path("", include("alliance.alerts.urls")),
    path("", include("alliance.journal.urls")),
    path("", include("alliance.notes.urls")),
    path("", include("alliance.reports.urls")),
    path("", include("alliance.interop.urls")),
]
