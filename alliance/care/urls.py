from django.urls import path

from alliance.care import sessions, views

urlpatterns = [
    path("", views.index, name="index"),
    path("clients/invite/", views.invite_client, name="invite_client"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("home/", views.client_home, name="client_home"),
    path("clients/<int:client_id>/sessions/", sessions.client_sessions, name="client_sessions"),
]
