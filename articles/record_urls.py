"""The pages of projects and batches (with their quotes) and the search (projects and articles),
at the top level of the site."""

from django.urls import path

from . import follow_through_views, views

urlpatterns = [
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("search/", views.search_page, name="search"),
    path("follow-through/", follow_through_views.page, name="follow-through"),
    path("api/follow-through/", follow_through_views.api, name="follow-through-api"),
    path("follow-through/stalled.<str:fmt>", follow_through_views.stalled_export,
         name="follow-through-stalled-export"),
]
