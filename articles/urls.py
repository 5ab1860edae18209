from django.urls import path

from . import review_actions, review_views, views

urlpatterns = [
    path("", views.bulletin_list, name="bulletin-list"),
    path("upload/", views.upload, name="bulletin-upload"),
    path("upload/peek/", views.upload_peek, name="bulletin-upload-peek"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("<int:pk>/status.json", views.bulletin_status, name="bulletin-status"),
    path("<int:pk>/file/", views.bulletin_file, name="bulletin-file"),
    path("<int:pk>/reparse/", views.reparse, name="bulletin-reparse"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("review/project/<int:pk>/", review_views.review_project, name="review-project"),
    path("review/project/<int:pk>/edit/", review_views.edit_project, name="edit-project"),
    path("review/batch/<int:pk>/", review_views.review_batch, name="review-batch"),
    path("review/mention/<int:pk>/", review_actions.act, name="review-act"),
    path("review/mention/<int:pk>/edit/", review_actions.edit, name="review-edit"),
    path("review/mention/<int:pk>/pick/", review_actions.pick, name="review-pick"),
    path("review/article/<int:pk>/confirm-all/", review_actions.confirm_article, name="review-confirm-all"),
]
