from django.urls import path

from alliance.notes import views

urlpatterns = [
    path("clients/<int:client_id>/notes/", views.client_notes, name="client_notes"),
]
