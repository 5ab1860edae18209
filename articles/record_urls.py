"""The pages of projects and batches (with their quotes) and the search (projects and articles),
at the top level of the site."""

from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("search/", views.search_page, name="search"),
]
