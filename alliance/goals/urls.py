from django.urls import path

from alliance.goals import views

urlpatterns = [
    path("clients/<int:client_id>/goals/", views.goal_list, name="goal_list"),
    path("clients/<int:client_id>/goals/new/", views.goal_new, name="goal_new"),
    path("clients/<int:client_id>/attainment/", views.goal_attainment, name="goal_attainment"),
    path("clients/<int:client_id>/values/", views.value_list, name="value_list"),
    path("values/<int:value_id>/edit/", views.value_edit, name="value_edit"),
    path("values/<int:value_id>/delete/", views.value_delete, name="value_delete"),
    path("goals/<int:goal_id>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/agree/", views.goal_agree, name="goal_agree"),
    path("goals/<int:goal_id>/history/", views.goal_history, name="goal_history"),
    path("goals/<int:goal_id>/scale/", views.goal_scale, name="goal_scale"),
    path("goals/<int:goal_id>/rate/", views.goal_rate, name="goal_rate"),
    path("goals/<int:goal_id>/revisit/", views.goal_revisit, name="goal_revisit"),
    path(
        "goals/<int:goal_id>/revisit/<int:revisit_id>/resolve/",
        views.goal_revisit_resolve,
        name="goal_revisit_resolve",
    ),
    path("goals/<int:goal_id>/close/", views.goal_close, name="goal_close"),
    path("goals/<int:goal_id>/close/answer/", views.goal_close_answer, name="goal_close_answer"),
]
