from django.urls import path

from alliance.journal import views

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/<int:entry_id>/", views.journal_entry, name="journal_entry"),
    path("journal/<int:entry_id>/share/", views.journal_share, name="journal_share"),
    path("journal/<int:entry_id>/delete/", views.journal_delete, name="journal_delete"),
    path("clients/<int:client_id>/journal/", views.client_journal, name="client_journal"),
    path("who-sees-my-data/", views.who_sees_what, name="who_sees_what"),
]
