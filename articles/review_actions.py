"""The review page's actions, answered in place: confirm, reject, edit, merge (through a
searchable picker), a batch's members, and "confirm all in this article".

Each action is a plain form POST. With htmx (the `HX-Request` header) the answer is the
article's candidate list, re-rendered, which htmx swaps in where it was — no page reload, the
editor's place and focus kept. Without JavaScript the same POST redirects back to the issue
page at the record (`#item-N`), and the picker is a GET of the issue page itself
(`?pick=N&q=…`). The rules live in services (`projects.services`, `articles.review`).

Every form carries the version of its record as the page drew it (`version`; confirm-all: the
article's). Each action locks the rows it changes, then compares: a record changed since (by
another editor, a merge, a re-parse) is left alone and the editor gets 409 with the record as
it is now — htmx swaps the fresh list in with the message; without htmx a short page says so
and links back (`_stale`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from projects import rollup
from projects.dedup import event_targets, picker_matches
from projects.models import Batch, Project, ReviewStatus
from projects.services import (
    StaleRecord,
    check_version,
    lock,
    merge_and_confirm,
    save_project_edit,
    set_batch,
    set_review_status,
)

from . import review, review_page
from .forms import ProjectEditForm
from .models import Article, Mention

STATUS_ACTIONS = {"confirm": ReviewStatus.CONFIRMED, "reject": ReviewStatus.REJECTED}


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _view(request) -> dict:
    """The page and filter of the issue page the action came from (`articles.review_page`), for
    the answer's forms to carry on and the redirect to return to."""
    view = review_page.view_of_action(request.POST if request.method == "POST" else request.GET)
    return {"review_view": view, "review_back": view.query() if view else ""}


def _issue_page(request, bulletin_id: int, anchor: str) -> str:
    """The issue page the action came from (same page, same filter), at the anchor."""
    back = _view(request)["review_back"]
    return reverse("bulletin-detail", args=[bulletin_id]) + (f"?{back}" if back else "") + anchor


def _place(request, mention: Mention) -> str:
    """The record's place on the issue page."""
    return _issue_page(request, mention.article.bulletin_id, f"#item-{mention.pk}")


def _answer(request, article: Article, focus: int | None = None, error: str = "", status: int = 200):
    """The article's candidates (htmx), else back to the issue page at the record."""
    if _htmx(request):
        return render(request, "articles/_review_list.html", {
            "article": article, "items": review.article_items(article), "focus": focus, "error": error,
            **_view(request),
        }, status=status)
    if error:
        messages.error(request, error)
    anchor = f"#item-{focus}" if focus else f"#article-{article.pk}"
    return redirect(_issue_page(request, article.bulletin_id, anchor))


def _stale(request, article: Article, focus: int | None, exc: StaleRecord):
    """409: the page was drawn from an older version. With htmx, the article's list as it is
    now, with the message; without, a page that says so and leads back to the record."""
    message = "; ".join(exc.messages)
    if _htmx(request):
        return _answer(request, article, focus, message, status=409)
    anchor = f"#item-{focus}" if focus else f"#article-{article.pk}"
    back = _issue_page(request, article.bulletin_id, anchor)
    return render(request, "articles/stale.html", {"message": message, "back": back}, status=409)


def _mention(pk: int) -> Mention:
    return get_object_or_404(Mention.objects.select_related("article", "project", "batch"), pk=pk)


@require_POST
@permission_required("projects.change_project", raise_exception=True)
@transaction.atomic
@rollup.deferred()  # a merge or a members' change saves several records: the totals follow once
def act(request, pk: int):
    """One action on the record a quote names (`action`: confirm, reject, merge, members, link,
    unlink)."""
    mention = _mention(pk)
    action = request.POST.get("action", "")
    record = mention.project or mention.batch
    if record is None:
        return HttpResponseBadRequest(_("未知操作"))
    try:
        if action in STATUS_ACTIONS:
            _locked(request, record)
            set_review_status([record], STATUS_ACTIONS[action], user=request.user)
        elif action == "merge" and mention.project is not None:
            target = _target(request)
            _locked(request, mention.project, also=[target.pk])
            merge_and_confirm(mention.project, target, user=request.user)
        elif action in ("members", "link", "unlink") and mention.batch is not None:
            _members(request, mention, action)
        else:
            return HttpResponseBadRequest(_("未知操作"))
    except StaleRecord as exc:
        return _stale(request, mention.article, pk, exc)
    except ValidationError as exc:
        return _answer(request, mention.article, pk, "; ".join(exc.messages))
    return _answer(request, mention.article, pk)


def _locked(request, record: Project | Batch, also: list[int] = ()) -> None:
    """Lock the record (and the projects `also` names, all projects in id order: the fixed order
    of `projects.services.lock`), then refuse when the form was drawn from an older version."""
    if isinstance(record, Batch):
        fresh = lock(Batch, [record.pk]).get(record.pk)
        lock(Project, also)
    else:
        fresh = lock(Project, [record.pk, *also]).get(record.pk)
    if fresh is None:
        raise ValidationError(_("这条记录已不存在。"))
    check_version(fresh, request.POST.get("version"))


def _target(request) -> Project:
    """The project picked (merged into, linked), by its id."""
    raw = request.POST.get("target", "").strip()
    project = Project.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if project is None:
        raise ValidationError(_("找不到编号为“%(id)s”的项目。") % {"id": raw})
    return project


def _members(request, mention: Mention, action: str) -> None:
    """A batch's members: the article's projects as ticked (`members`), or one project of any
    article found with the picker (`link`, `unlink`)."""
    batch = mention.batch
    if action == "members":
        quoted = set(Mention.objects.filter(article=mention.article).values_list("project_id", flat=True))
        _locked(request, batch, also=list(quoted - {None}))
        projects = list(Project.objects.filter(pk__in=quoted - {None}))  # as they are now, locked
        ticked = set(map(int, filter(str.isdigit, request.POST.getlist("project"))))
        set_batch([p for p in projects if p.pk in ticked and p.batch_id != batch.pk], batch, request.user)
        set_batch([p for p in projects if p.pk not in ticked and p.batch_id == batch.pk], None, request.user)
        return
    project = _target(request)
    _locked(request, batch, also=[project.pk])
    project.refresh_from_db()
    if action == "link":
        set_batch([project], batch, request.user)
    elif project.batch_id == batch.pk:
        set_batch([project], None, request.user)


@require_POST
@permission_required("projects.change_project", raise_exception=True)
def confirm_article(request, pk: int):
    """Confirm every candidate of one article."""
    article = get_object_or_404(Article, pk=pk)
    if request.POST.get("action") != "confirm-all":
        return HttpResponseBadRequest(_("未知操作"))
    try:
        review.confirm_all(article, user=request.user, version=request.POST.get("version"))
    except StaleRecord as exc:
        return _stale(request, article, None, exc)
    except ValidationError as exc:
        return _answer(request, article, error="; ".join(exc.messages))
    return _answer(request, article)


@permission_required("projects.change_project", raise_exception=True)
def edit(request, pk: int):
    """The edit form of a quoted project inside its block (htmx); without htmx, the edit page."""
    mention = _mention(pk)
    if mention.project is None:
        return HttpResponseBadRequest(_("未知操作"))
    if not _htmx(request):
        edit_page = reverse("edit-project", args=[mention.project_id])
        return redirect(f"{edit_page}?{urlencode({'next': _place(request, mention)})}")
    if request.GET.get("cancel"):
        return _answer(request, mention.article, pk)
    form = ProjectEditForm(request.POST or None, instance=mention.project)
    if request.method == "POST" and form.is_valid():
        try:
            save_project_edit(form.save(commit=False), request.user, changed=form.changed_data,
                              version=request.POST.get("version"))
        except StaleRecord as exc:
            response = _answer(request, mention.article, pk, "; ".join(exc.messages), status=409)
        except ValidationError as exc:
            response = _answer(request, mention.article, pk, "; ".join(exc.messages))
        else:
            response = _answer(request, mention.article, pk)
        response["HX-Retarget"] = f"#candidates-{mention.article_id}"  # the form stood in for one record
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "articles/_review_edit.html", {"form": form, "mention": mention, **_view(request)},
                  status=400 if request.method == "POST" else 200)


@require_safe
@permission_required("projects.change_project", raise_exception=True)
def pick(request, pk: int):
    """The picker's answers: projects matching the words, best match for this record first."""
    mention = _mention(pk)
    query = request.GET.get("q", "")
    matches = picker_matches(query, mention.project)
    return render(request, "articles/_picker_results.html", {
        "mention": mention, "q": query, "matches": matches,
        "event_targets": event_targets(mention.project, matches), **_view(request),
    })
