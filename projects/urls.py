from django.urls import path

from . import compare_views, export_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/results/", views.dashboard_results, name="dashboard-results"),
    path("api/totals/", views.totals_api, name="totals-api"),
    path("exports/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("exports/jobs/<int:pk>/", export_views.export_job, name="export-job"),
    path("exports/jobs/<int:pk>/download", export_views.export_download, name="export-download"),
    path("projects/", views.project_list, name="project-list"),
    path("compare/", compare_views.compare_zones, name="compare"),
]
