"""Editor pages: upload, bulletin status and review; thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import public_read_only
from projects.dedup import likely_duplicates_of
from projects.models import Batch, Project, ReviewStatus
from projects.services import merge_projects, save_project_edit, set_review_status

from . import selectors
from .forms import ProjectEditForm, UploadForm
from .models import Article, Bulletin
from .uploads import UploadRefused, accept_upload, request_reparse, safe_file_name


@public_read_only
@require_safe
def bulletin_list(request):
    page = Paginator(selectors.bulletin_list(), 50).get_page(request.GET.get("page"))
    selectors.review_counts(page.object_list)
    return render(request, "articles/bulletin_list.html", {"page": page})


@permission_required("articles.add_bulletin", raise_exception=True)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            result = accept_upload(
                upload_file.read(),
                original_name=upload_file.name,
                publication=form.cleaned_data["publication"],
                issue_number=form.cleaned_data["issue_number"],
                issue_date=form.cleaned_data["issue_date"],
                user=request.user,
            )
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            if not result.created:
                messages.info(request, _("这份文件已经上传过，以下是已有的期次。"))
            return redirect(result.bulletin)
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/upload.html", {"form": form}, status=status)


@public_read_only
@require_safe
def bulletin_detail(request, pk: int):
    try:
        bulletin = selectors.bulletin_with_articles(pk)
    except Bulletin.DoesNotExist as exc:
        raise Http404 from exc
    mentions = [m for article in bulletin.articles.all() for m in article.mentions.all()]
    candidates = [m.project for m in mentions if _is_candidate(m.project)]
    duplicates = likely_duplicates_of(candidates)  # one query for the whole page
    articles = []
    for article in bulletin.articles.all():
        mentions = list(article.mentions.all())
        articles.append(
            {
                "article": article,
                "segments": selectors.highlight_segments(article.text, mentions),
                "mentions": [
                    {"mention": m, "duplicates": duplicates.get(m.project_id, []) if m.project_id else []}
                    for m in mentions
                ],
            }
        )
    return render(request, "articles/bulletin_detail.html", {"bulletin": bulletin, "articles": articles})


def _is_candidate(project: Project | None) -> bool:
    return project is not None and project.review_status == ReviewStatus.CANDIDATE


@public_read_only
@require_safe
def bulletin_status(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    return JsonResponse(
        {
            "status": bulletin.status,
            "status_label": bulletin.get_status_display(),
            "progress": bulletin.progress,
            "error": bulletin.error,
            "articles": bulletin.articles.count(),
        }
    )


@require_POST
@permission_required("articles.change_bulletin", raise_exception=True)
def reparse(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if request_reparse(bulletin):
        messages.success(request, _("已重新排队解析；已审核的记录会保留。"))
    else:
        messages.error(request, _("正在解析中，请稍后再试。"))
    return redirect(bulletin)


# Who may download an uploaded original: editors and admins (they uploaded it, or must check
# a parse against it). Analysts read the extracted text and its quotes instead: originals are
# third-party newspaper pages, and a file is the one thing on the site that is not our HTML.
DOWNLOAD_PERMISSION = "articles.change_bulletin"
DOWNLOAD_EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "txt": ".txt"}
_UNSAFE_NAME_CHARS = frozenset('"\\;:*?<>|/')


def download_name(bulletin: Bulletin) -> str:
    """The uploaded name without path, control or quoting characters, ending in the format's
    extension (so the browser never opens an .html "txt" as a page), or a made-up name."""
    name = safe_file_name(bulletin.original_name or "")
    name = "".join("_" if ch in _UNSAFE_NAME_CHARS or (ch.isspace() and ch != " ") else ch for ch in name)
    name = name.strip(" .")
    ext = DOWNLOAD_EXTENSIONS.get(bulletin.format, ".bin")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or f'bulletin-{bulletin.pk}')[:120]}{ext}"


@require_safe
@permission_required(DOWNLOAD_PERMISSION, raise_exception=True)
def bulletin_file(request, pk: int):
    """The uploaded bytes, from the database, always as a download (never rendered inline)."""
    bulletin = get_object_or_404(Bulletin.objects.select_related("file"), pk=pk)
    response = HttpResponse(bytes(bulletin.file.data), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, download_name(bulletin))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@public_read_only
@require_safe
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.defer("search_document").select_related("bulletin"), pk=pk)
    mentions = list(article.mentions.select_related("project__zone", "batch__zone"))
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "segments": selectors.highlight_segments(article.text, mentions),
            "mentions": mentions,
        },
    )


def _merge_target(raw: str) -> Project | None:
    """The project an editor typed or picked to merge into, if it exists."""
    return Project.objects.filter(pk=int(raw)).first() if raw.strip().isdigit() else None


def _next_url(request, fallback: str) -> str:
    """Where to go after a review action: the page it came from, if it is one of ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


REVIEW_ACTIONS = {"confirm": ReviewStatus.CONFIRMED, "reject": ReviewStatus.REJECTED}


@require_POST
@permission_required("projects.change_project", raise_exception=True)
def review_project(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action in REVIEW_ACTIONS:
            set_review_status([project], REVIEW_ACTIONS[action], user=request.user)
        elif action == "merge":
            target = _merge_target(request.POST.get("target", ""))
            if target is None:
                messages.error(
                    request, _("找不到编号为“%(id)s”的项目。") % {"id": request.POST.get("target", "")}
                )
                return redirect(_next_url(request, project.get_absolute_url()))
            merge_projects([project], target, user=request.user)
            target.refresh_from_db()  # the merge filled fields and moved the date; do not save stale values
            if target.review_status == ReviewStatus.CANDIDATE:
                set_review_status([target], ReviewStatus.CONFIRMED, user=request.user)
        else:
            return HttpResponseBadRequest(_("未知操作"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("已保存：%(name)s") % {"name": project.name})
    return redirect(_next_url(request, project.get_absolute_url()))


@require_POST
@permission_required("projects.change_batch", raise_exception=True)
def review_batch(request, pk: int):
    batch = get_object_or_404(Batch, pk=pk)
    action = request.POST.get("action", "")
    if action not in REVIEW_ACTIONS:
        return HttpResponseBadRequest(_("未知操作"))
    try:
        set_review_status([batch], REVIEW_ACTIONS[action], user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect(_next_url(request, batch.get_absolute_url()))


def _came_from(request, fallback: str) -> str:
    """Where the editor opened the edit form from (`?next=`, else the referring page), if it is ours."""
    for target in (request.POST.get("next"), request.GET.get("next"), request.headers.get("Referer")):
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
            return target
    return fallback


@permission_required("projects.change_project", raise_exception=True)
def edit_project(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    form = ProjectEditForm(request.POST or None, instance=project)
    back = _came_from(request, project.get_absolute_url())
    if back == request.path or back.startswith(request.build_absolute_uri(request.path)):
        back = project.get_absolute_url()  # a failed save referred to the form itself
    if request.method == "POST" and form.is_valid():
        save_project_edit(form.save(commit=False), request.user, changed=form.changed_data)
        messages.success(request, _("已保存：%(name)s") % {"name": project.name})
        return redirect(back)
    return render(request, "articles/project_edit.html", {"form": form, "project": project, "back": back})
