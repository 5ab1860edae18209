from django.urls import path

from . import review_views, views

urlpatterns = [
    path("", views.bulletin_list, name="bulletin-list"),
    path("upload/", views.upload, name="bulletin-upload"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("<int:pk>/status.json", views.bulletin_status, name="bulletin-status"),
    path("<int:pk>/file/", views.bulletin_file, name="bulletin-file"),
    path("<int:pk>/reparse/", views.reparse, name="bulletin-reparse"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("review/project/<int:pk>/", review_views.review_project, name="review-project"),
    path("review/project/<int:pk>/edit/", review_views.edit_project, name="edit-project"),
    path("review/batch/<int:pk>/", review_views.review_batch, name="review-batch"),
]
