from django.urls import path

from alliance.homework import views

urlpatterns = [
    path("goals/<int:goal_id>/", views.goal_detail, name="goal_detail"),
    path("clients/<int:client_id>/tasks/", views.task_list, name="task_list"),
    path("clients/<int:client_id>/tasks/new/", views.task_new, name="task_new"),
    *views.pages.urls(edit=views.task_edit, detail=views.task_detail),
    path("tasks/<int:task_id>/log/", views.task_log, name="task_log"),
]
