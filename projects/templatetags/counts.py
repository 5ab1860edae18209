"""`{% record_counts figure %}`: "项目 3 个，批量签约 1 个" / "3 projects, 1 batch signing",
each number with its own plural form (ngettext), which one blocktranslate cannot give two."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def record_counts(figure) -> str:
    projects = ngettext("项目 %(n)s 个", "项目 %(n)s 个", figure.projects) % {"n": figure.projects}
    batches = ngettext("批量签约 %(n)s 个", "批量签约 %(n)s 个", figure.batches) % {"n": figure.batches}
    return _("%(projects)s，%(batches)s") % {"projects": projects, "batches": batches}
