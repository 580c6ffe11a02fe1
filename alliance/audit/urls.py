from django.urls import path

from alliance.audit import views

urlpatterns = [
    path("clients/<int:client_id>/audit/", views.client_audit, name="client_audit"),
]
