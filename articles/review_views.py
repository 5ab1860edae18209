"""Editors' review actions on a project or a batch, from the bulletin page or the record's own
page: thin views over `projects.services` (the rules live there), answering with a redirect
back and a message. The edit page's form carries the version of the project as drawn: a save
over a project changed since is refused (409) and the form shows the project as it is now.
Each action locks what it changes (`projects.services`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.models import Batch, Project, ReviewStatus
from projects.services import (
    StaleRecord,
    check_version,
    lock,
    merge_and_confirm,
    save_project_edit,
    set_review_status,
)

from .forms import ProjectEditForm


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
@transaction.atomic
def review_project(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action in REVIEW_ACTIONS or action == "merge":
            target = _merge_target(request.POST.get("target", "")) if action == "merge" else None
            fresh = lock(Project, [pk, target.pk if target else None]).get(pk, project)
            check_version(fresh, request.POST.get("version"))
        if action in REVIEW_ACTIONS:
            set_review_status([project], REVIEW_ACTIONS[action], user=request.user)
        elif action == "merge":
            if target is None:
                messages.error(
                    request, _("找不到编号为“%(id)s”的项目。") % {"id": request.POST.get("target", "")}
                )
                return redirect(_next_url(request, project.get_absolute_url()))
            merge_and_confirm(project, target, user=request.user)
        else:
            return HttpResponseBadRequest(_("未知操作"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("已保存：%(name)s") % {"name": project.name})
    return redirect(_next_url(request, project.get_absolute_url()))


@require_POST
@permission_required("projects.change_batch", raise_exception=True)
@transaction.atomic
def review_batch(request, pk: int):
    batch = get_object_or_404(Batch, pk=pk)
    action = request.POST.get("action", "")
    if action not in REVIEW_ACTIONS:
        return HttpResponseBadRequest(_("未知操作"))
    try:
        check_version(lock(Batch, [pk]).get(pk, batch), request.POST.get("version"))
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
        try:
            save_project_edit(form.save(commit=False), request.user, changed=form.changed_data,
                              version=request.POST.get("version"))
        except StaleRecord as exc:  # the form again, with the project as it is now
            messages.error(request, "; ".join(exc.messages))
            project = Project.objects.get(pk=pk)
            form = ProjectEditForm(instance=project)
            return render(request, "articles/project_edit.html",
                          {"form": form, "project": project, "back": back}, status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存：%(name)s") % {"name": project.name})
            return redirect(back)
    return render(request, "articles/project_edit.html", {"form": form, "project": project, "back": back})
