"""What an anonymous visitor may see of the records (ZIT_PUBLIC_READ_ONLY=1): confirmed ones.

Why: the public saw candidates and rejected records — the parser's unchecked guesses and the
editors' refusals — on the issue and article pages (issue 15, item 13). The lists, totals and
exports read the shared filter, which keeps the public to confirmed records itself
(`projects.filters`); the pages below read records directly and ask here.
"""

from __future__ import annotations

from django.http import Http404

from accounts.access import is_public
from projects import history
from projects.models import ReviewStatus

from .models import Mention


def _record(mention: Mention):
    return mention.project if mention.project_id else mention.batch


def shown_mentions(request, mentions: list[Mention]) -> list[Mention]:
    """The quotes the visitor may see: all for a signed-in user, those of confirmed records for
    the public."""
    if not is_public(request):
        return mentions
    return [m for m in mentions if (record := _record(m)) is not None
            and record.review_status == ReviewStatus.CONFIRMED]


def require_shown(request, record) -> None:
    """A project's or batch's page: not found for the public unless confirmed."""
    if is_public(request) and record.review_status != ReviewStatus.CONFIRMED:
        raise Http404


def shown_history(request, record) -> list | None:
    """A record's edit history for signed-in users; None (no history section) for the public:
    it names the staff who reviewed the record and the states it passed through (candidate,
    rejected), which the public does not see."""
    if is_public(request):
        return None
    return history.entries(record)
