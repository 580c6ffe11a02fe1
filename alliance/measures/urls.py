from django.urls import path

from alliance.measures import views

urlpatterns = [
    path("home/progress/", views.client_progress, name="client_progress"),
    path("home/check-in/<slug:code>/", views.client_checkin, name="client_checkin"),
    path("home/check-ins/<int:response_id>/", views.client_response, name="client_response"),
    path("clients/<int:client_id>/check-ins/", views.client_checkins, name="client_checkins"),
    path(
        "clients/<int:client_id>/check-ins/schedule/",
        views.checkin_schedule,
        name="checkin_schedule",
    ),
    path(
        "clients/<int:client_id>/check-ins/<int:response_id>/",
        views.response_detail,
        name="response_detail",
    ),
    path(
        "clients/<int:client_id>/check-in/<slug:code>/",
        views.counselor_checkin,
        name="counselor_checkin",
    ),
]
