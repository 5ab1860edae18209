"""Pages of the sources: upload, bulletins and their parse, articles, and the project, batch and
search pages that show records with their quotes (the review actions: `review_views.py`).
Thin views over services and selectors."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import is_public, public_read_only
from accounts.public_rate import heavy_for_public
from projects import search
from projects import selectors as project_selectors
from projects.dedup import event_targets, picker_matches
from projects.filters import ProjectFilter
from projects.models import Batch, ReviewStatus
from projects.views import PAGE_SIZE

from . import public, review, review_page, review_state, selectors
from . import search as article_search
from .forms import UploadForm
from .models import Article, Bulletin
from .tasks import request_reparse
from .uploads import UploadRefused, accept_upload, propose_issue_date, safe_file_name, too_large_message


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


@require_POST
@permission_required("articles.add_bulletin", raise_exception=True)
def upload_peek(request):
    """The issue date the chosen file prints on its date line, for the upload form to propose
    before the upload (static/js/upload.js): JSON `issue_date` (ISO, or null) and `message`;
    400 with `error` when the file would be refused. Nothing is stored."""
    upload_file = request.FILES.get("file")
    try:
        if upload_file is None:
            raise UploadRefused(_("请选择文件。"))
        if upload_file.size > settings.UPLOAD_MAX_BYTES:  # by declared size, before reading a byte
            raise UploadRefused(too_large_message(upload_file.size))
        found = propose_issue_date(upload_file.read())
    except UploadRefused as exc:
        return JsonResponse({"issue_date": None, "error": True, "message": str(exc)}, status=400)
    if found is None:
        message = _("版面上没有找到日期行，请手动填写出版日期。")
        return JsonResponse({"issue_date": None, "error": False, "message": message})
    message = _("按版面上的日期行填入出版日期 %(date)s，可以修改。") % {"date": found.isoformat()}
    return JsonResponse({"issue_date": found.isoformat(), "error": False, "message": message})


@public_read_only
@require_safe
def bulletin_detail(request, pk: int):
    """The review page: one page of the issue's articles (`articles.review_page`), each with its
    text, its quotes marked, and its records with their suggestions and actions."""
    bulletin = get_object_or_404(Bulletin, pk=pk)
    counts = review_state.issue_counts(bulletin)
    can_review = request.user.has_perm("projects.change_project")
    view = review_page.review_view(request.GET, review_page.default_show(counts, can_review))
    if is_public(request):  # confirmed records only: which articles await review is not shown
        view = replace(view, show=review_page.SHOW_ALL)
    page = review_page.review_page(bulletin, view, counts)
    view = replace(view, page=page.number)
    articles = list(page.object_list)
    mentions = {pk: public.shown_mentions(request, found)
                for pk, found in review.article_mentions(articles).items()}
    items = review.review_items(mentions)
    picking = _picking(request)
    sections = [
        {
            "article": article,
            "segments": selectors.highlight_segments(article.text, mentions[article.pk]),
            "items": items[article.pk],
        }
        for article in articles
    ]
    context = {
        "bulletin": bulletin, "articles": sections, "picking": picking, "page": page, "view": view,
        "counts": counts, "zones": review_page.issue_zones(bulletin), "public": is_public(request),
        "page_numbers": review_page.page_numbers(page), "review_view": view, "review_back": view.query(),
    }
    if picking is not None:  # the picker without JavaScript: its answers in the page
        target = next((i.mention for s in sections for i in s["items"] if i.mention.pk == picking), None)
        context["picked"] = picker_matches(request.GET.get("q", ""), target.project if target else None)
        context["event_targets"] = event_targets(target.project if target else None, context["picked"])
    return render(request, "articles/bulletin_detail.html", context)


def _picking(request) -> int | None:
    raw = request.GET.get("pick", "")
    return int(raw) if raw.isdigit() else None


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
            "stalled": bulletin.parse_stalled,
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
        bulletin.refresh_from_db()
        messages.error(request, _(
            "正在解析中（%(age)s 秒前仍有进展），请稍后再试；超过 %(stale)s 秒没有进展时可以重新排队。"
        ) % {"age": bulletin.heartbeat_age if bulletin.heartbeat_age is not None else "—",
             "stale": settings.STALE_PARSE_SECONDS})
    return redirect(bulletin)


# Who may download an uploaded original: editors and admins (they uploaded it, or must check
# a parse against it). Analysts read the extracted text and its quotes instead: originals are
# third-party newspaper pages, and a file is the one thing on the site that is not our HTML.
# The 403 page and the bulletin page say so (README: "Who may do what").
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
def bulletin_file(request, pk: int):
    """The uploaded bytes, from the database, always as a download (never rendered inline)."""
    if not request.user.has_perm(DOWNLOAD_PERMISSION):
        raise PermissionDenied(
            _(
                "原文件只有编辑和管理员可以下载：它们是第三方报刊的原版文件，"
                "只用来核对解析结果。"
                "每篇文章的全文和每条记录的出处引文都可以在期次和文章页面上阅读。"
            )
        )
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
    mentions = public.shown_mentions(request, mentions)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "segments": selectors.highlight_segments(article.text, mentions),
            "mentions": mentions,
        },
    )


@public_read_only
@require_safe
def project_detail(request, pk: int):
    project = get_object_or_404(selectors.projects_with_sources(), pk=pk)
    public.require_shown(request, project)
    selectors.attach_event_quotes(project)
    return render(request, "projects/project_detail.html", {
        "project": project,
        "history": public.shown_history(request, project),
    })


@public_read_only
@require_safe
def batch_detail(request, pk: int):
    batch = get_object_or_404(selectors.batches_with_sources(), pk=pk)
    public.require_shown(request, batch)
    return render(request, "projects/batch_detail.html",
                  {"batch": batch, "history": public.shown_history(request, batch)})


SEARCH_TOP = 10  # results of each kind on the search page before "more"
SEARCH_KINDS = ("projects", "batches", "articles")


@public_read_only
@require_safe
@heavy_for_public
def search_page(request):
    """Projects (name, investor, zone), batches (title, zone, quote) and articles (title, text)
    containing every term of `q`.

    Both kinds at once, the first SEARCH_TOP of each, or one kind (`kind=`) page by page.
    Projects: not merged, confirmed — plus candidates with `candidates=1` — selected by the
    project list's own filter, so its "more" link lists exactly the same projects."""
    query = " ".join(search.terms(request.GET.get("q", "")))
    kind = request.GET.get("kind", "")
    kind = kind if kind in SEARCH_KINDS else ""
    candidates = request.GET.get("candidates") == "1" and not is_public(request)
    statuses = [ReviewStatus.CONFIRMED.value] + ([ReviewStatus.CANDIDATE.value] if candidates else [])
    context = {"q": query, "kind": kind, "candidates": candidates, "search_query": query}
    if query:
        data = QueryDict(mutable=True)
        data["q"] = query
        data.setlist("review_status", statuses)
        listed = project_selectors.project_list().defer("search_document")
        project_filter = ProjectFilter(data, queryset=listed)
        projects = project_filter.qs.order_by("-date", "-id")
        articles = article_search.filter_articles(
            Article.objects.select_related("bulletin").defer("search_document"), query
        ).order_by("-bulletin__issue_date", "-bulletin_id", "position")
        batches = Batch.objects.filter(merged_into__isnull=True, review_status__in=statuses)
        if kind in ("", "batches"):  # the filter reads the zones matching the terms now
            batches = article_search.filter_batches(batches.select_related("zone"), query)
            batches = batches.order_by("-date", "-id")
        own = QueryDict(mutable=True)
        own["q"] = query
        if candidates:
            own["candidates"] = "1"
        per_page = PAGE_SIZE if kind else SEARCH_TOP
        results = {}
        for name, queryset in (("projects", projects), ("batches", batches), ("articles", articles)):
            if kind and kind != name:
                results[name] = None
                continue
            page = Paginator(queryset, per_page).get_page(request.GET.get("page") if kind else 1)
            results[name] = page
        for project in results["projects"] or ():
            project.name_html = search.highlight(project.name, query)
            project.investor_html = search.highlight(project.investor, query)
        for article in results["articles"] or ():
            article.title_html = search.highlight(article.title or str(article), query)
            article.snippet = search.snippet(article.text, query)
        kind_query = own.copy()
        kind_query["kind"] = kind
        context.update({
            "projects": results["projects"],
            "articles": results["articles"],
            "batches": results["batches"],
            "project_list_query": project_filter.querystring(),
            "own_query": own.urlencode(),
            "query": kind_query.urlencode(),  # what pagination.html carries
        })
    return render(request, "projects/search.html", context)
