"""The review page of an issue, one page of articles at a time (issue 15: issues of 24k articles
timed out when the page drew every article and its suggestions).

What an editor sees is chosen by a `ReviewView` — which articles (`show`: those still quoting a
record awaiting review, or all), of which zone, which page — read from the query string, where
an invalid value falls back to the default rather than widening the view. The same view is
carried through the review actions (the `back` field of their forms) so that an action on page
N returns the editor to page N of the same filter. The issue's counts and which articles are
pending are kept as the review goes (`articles.review_state`): the counts are one row and a page
of pending articles an index range, so a page reads a fixed number of queries whatever the
issue's or the zones' size, and its work does not grow with how deep the page is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.utils.http import urlencode

from zones.models import Zone

from .models import Article, Bulletin
from .review_state import IssueCounts, planned_for_size

PAGE_SIZE = 20  # articles per page: a few screens, and a bounded number of candidates
SHOW_PENDING, SHOW_ALL = "pending", "all"
MAX_PAGE_DIGITS = 7


@dataclass(frozen=True)
class ReviewView:
    """Which articles of the issue the page shows."""

    show: str = SHOW_ALL
    zone: int | None = None
    page: int = 1

    def query(self, **changes) -> str:
        """This view (or a neighbour: `page=2`) as a query string, without the leading "?"."""
        view = replace(self, **changes)
        params = {"show": view.show}
        if view.zone is not None:
            params["zone"] = view.zone
        if view.page != 1:
            params["page"] = view.page
        return urlencode(params)

    @property
    def filter_query(self) -> str:
        """The view without its page (what the page links add their number to)."""
        params = {"show": self.show, **({"zone": self.zone} if self.zone is not None else {})}
        return urlencode(params)


def review_view(params: QueryDict, default_show: str) -> ReviewView:
    """The view a query string asks for; a missing or invalid value gets the default."""
    show = params.get("show", "")
    show = show if show in (SHOW_PENDING, SHOW_ALL) else default_show
    raw_zone = params.get("zone", "")
    zone = int(raw_zone) if raw_zone.isdigit() and len(raw_zone) <= 10 else None
    raw_page = params.get("page", "")
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) <= MAX_PAGE_DIGITS else 1
    return ReviewView(show, zone, max(page, 1))


def view_of_action(data: QueryDict) -> ReviewView | None:
    """The view a review action came from: its form's `back` field (a query string), or the
    view's own fields (the picker's GET), re-read so that only our own parameters, checked,
    go back into a URL. None when the action does not say (back to the page's default)."""
    back = data.get("back", "")
    if back:
        return review_view(QueryDict(back.lstrip("?")[:200]), SHOW_ALL)
    if data.get("show") in (SHOW_PENDING, SHOW_ALL):
        return review_view(data, SHOW_ALL)
    return None


def default_show(counts: IssueCounts, can_review: bool) -> str:
    """An editor starts on what is left to review while there is any; readers see every article."""
    return SHOW_PENDING if can_review and counts.pending_articles else SHOW_ALL


def issue_zones(bulletin: Bulletin) -> list[Zone]:
    """The zones the issue's articles name, each with `article_count` (one query)."""
    return list(
        Zone.objects.filter(articles__bulletin=bulletin)
        .annotate(article_count=Count("articles"))
        .order_by("-article_count", "short_name")
    )


def view_articles(bulletin: Bulletin, view: ReviewView) -> QuerySet[Article]:
    articles = Article.objects.filter(bulletin=bulletin)
    if view.show == SHOW_PENDING:
        articles = articles.filter(awaiting_review=True)
    if view.zone is not None:
        articles = articles.filter(zones=view.zone)
    return articles.defer("search_document").prefetch_related("zones").order_by("position")


class _CountedPaginator(Paginator):
    """A paginator told its count when the aggregate already knows it (no second count)."""

    def __init__(self, *args, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if known_count is not None:
            self.__dict__["count"] = known_count


def review_page(bulletin: Bulletin, view: ReviewView, counts: IssueCounts) -> Page:
    """The page of articles the view asks for (the last one if it asks past the end)."""
    known = None
    if view.zone is None:
        known = counts.pending_articles if view.show == SHOW_PENDING else counts.articles
    paginator = _CountedPaginator(view_articles(bulletin, view), PAGE_SIZE, known_count=known)
    page = paginator.get_page(view.page)
    with planned_for_size(Article.objects.db, counts.articles):
        page.object_list = list(page.object_list)
    return page


def page_numbers(page: Page, around: int = 2) -> list[int | None]:
    """The page numbers the links show: the first, the last and a few around this one (None
    marks a gap)."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(max(1, page.number - around), min(last, page.number + around) + 1)}
    numbers: list[int | None] = []
    for number in sorted(wanted):
        if numbers and numbers[-1] is not None and number > numbers[-1] + 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
