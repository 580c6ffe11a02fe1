from django.urls import path

from alliance.goals import views

# The goal's own page (`goal_detail`) shows its tasks, so the tasks app serves it.
urlpatterns = [
    path("clients/<int:client_id>/goals/", views.goal_list, name="goal_list"),
    path("clients/<int:client_id>/goals/new/", views.goal_new, name="goal_new"),
    path("clients/<int:client_id>/attainment/", views.goal_attainment, name="goal_attainment"),
    path("clients/<int:client_id>/values/", views.value_list, name="value_list"),
    path("values/<int:value_id>/edit/", views.value_edit, name="value_edit"),
    path("values/<int:value_id>/delete/", views.value_delete, name="value_delete"),
    *views.pages.urls(edit=views.goal_edit),
    path("goals/<int:goal_id>/history/", views.goal_history, name="goal_history"),
    path("goals/<int:goal_id>/scale/", views.goal_scale, name="goal_scale"),
    path("goals/<int:goal_id>/rate/", views.goal_rate, name="goal_rate"),
    path("goals/<int:goal_id>/revisit/", views.goal_revisit, name="goal_revisit"),
    path(
        "goals/<int:goal_id>/revisit/<int:revisit_id>/resolve/",
        views.goal_revisit_resolve,
        name="goal_revisit_resolve",
    ),
]
