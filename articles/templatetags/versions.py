"""The versions the review forms carry (`projects.services.check_version`): the record's as the
page drew it, or an article's records' as a whole (confirm-all)."""

from __future__ import annotations

from django import template

from articles import review
from projects.services import version_of

register = template.Library()


@register.filter
def version(mention) -> str:
    """The version of the record a quote names (the review forms of the issue page)."""
    record = mention.project or mention.batch
    return version_of(record) if record is not None else ""


@register.filter
def record_version(record) -> str:
    """The version of a project or batch (the edit forms)."""
    return version_of(record)


@register.filter
def article_version(items) -> str:
    """The version of the records of an article a confirm-all would confirm, as listed
    (`articles.review.ReviewItem`s)."""
    records = (item.project or item.batch for item in items)
    return review.article_version(record for record in records if review.confirmable(record))
