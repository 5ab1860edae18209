"""Reads for the pages that show sources: bulletins, articles, and projects and batches with
their quotes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from projects.models import Batch, Project, ReviewStatus

from .models import Bulletin, Mention


@dataclass
class Segment:
    text: str
    mention: Mention | None = None


def highlight_segments(text: str, mentions: list[Mention]) -> list[Segment]:
    """Cut the article text into plain and quoted pieces so the template can mark the quotes."""
    segments: list[Segment] = []
    cursor = 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        start, end = mention.start, mention.end
        if text[start:end] != mention.quote:  # spans from an older parse: find the quote again
            found = text.find(mention.quote)
            if found < 0:
                continue
            start, end = found, found + len(mention.quote)
        if start < cursor or end <= start:
            continue  # overlapping quotes: the first one is marked
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], mention))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def bulletin_list() -> QuerySet[Bulletin]:
    return (
        Bulletin.objects.select_related("uploaded_by")
        .annotate(article_count=Count("articles"))
        .order_by("-created_at", "-id")
    )


def review_counts(bulletins: list[Bulletin]) -> None:
    """Set `review_counts` ({"candidate": n, "confirmed": n, "rejected": n}) on each bulletin:
    the projects and batches its articles quote, each once, by review status (merged ones
    left out: their quotes moved to the project they were merged into). Two queries for a
    page of the issue list, whatever its size."""
    counts: dict[int, dict[str, int]] = {b.pk: dict.fromkeys(ReviewStatus.values, 0) for b in bulletins}
    quoted = Mention.objects.filter(article__bulletin__in=list(counts)).order_by()
    for record in ("project", "batch"):
        rows = (
            quoted.filter(**{f"{record}__merged_into__isnull": True})
            .values_list("article__bulletin_id", f"{record}__review_status")
            .annotate(n=Count(f"{record}_id", distinct=True))
        )
        for bulletin_id, status, n in rows:
            counts[bulletin_id][status] = counts[bulletin_id].get(status, 0) + n
    for bulletin in bulletins:
        bulletin.review_counts = counts[bulletin.pk]


def projects_with_sources() -> QuerySet[Project]:
    """Projects with what their page shows: zone, batch, events and quotes with their articles."""
    mentions = Mention.objects.select_related("article__bulletin").order_by("article__bulletin__issue_date")
    return Project.objects.select_related("zone", "batch", "merged_into").prefetch_related(
        "events", Prefetch("mentions", queryset=mentions)
    )


def attach_event_quotes(project: Project) -> None:
    """Set `quote` on each of the project's events: the latest of the project's quotes that
    reports it (where the timeline links to the article), from the quotes already loaded."""
    quotes = {}
    for mention in sorted(project.mentions.all(), key=lambda m: m.pk):
        if mention.event_id is not None:
            quotes[mention.event_id] = mention
    for event in project.events.all():
        event.quote = quotes.get(event.pk)


def batches_with_sources() -> QuerySet[Batch]:
    """Batches with their quotes and their member projects (not merged away), newest first."""
    mentions = Mention.objects.select_related("article__bulletin")
    members = Project.objects.filter(merged_into__isnull=True).order_by("-date", "-id")
    return Batch.objects.select_related("zone").prefetch_related(
        Prefetch("mentions", queryset=mentions), Prefetch("projects", queryset=members)
    )


DATE_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def signing_quotes(projects: list[Project]) -> dict[int, Mention]:
    """Each project's signing quote: the first quote (by issue date) of its signing event, else
    its first quote. One query for the projects of a page of the stalled list."""
    mentions = (
        Mention.objects.filter(project__in=projects).select_related("article__bulletin", "event")
        .order_by("project_id", "article__bulletin__issue_date", "pk")
    )
    quotes: dict[int, Mention] = {}
    for mention in mentions:
        signing = mention.event is not None and mention.event.stage == "signed"
        kept = quotes.get(mention.project_id)
        if kept is None or (signing and (kept.event is None or kept.event.stage != "signed")):
            quotes[mention.project_id] = mention
    return quotes


def stalled_items(projects: list[Project]) -> list[dict]:
    """The stalled list's rows as the page, the API and the exports show them: the project, its
    zone, amount and signing date (at its precision), its signing quote and the article."""
    quotes = signing_quotes(projects)
    items = []
    for project in projects:
        quote = quotes.get(project.pk)
        article = quote.article if quote else None
        bulletin = article.bulletin if article else None
        items.append({
            "id": project.pk,
            "name": project.name,
            "url": project.get_absolute_url(),
            "zone": project.zone.short_name if project.zone_id else None,
            "province": project.zone.province if project.zone_id else None,
            "industry": project.industry,
            "investor": project.investor,
            "amount_yuan": None if project.amount_yuan is None else str(project.amount_yuan),
            "signed_on": project.signed_on.strftime(DATE_FORMATS.get(project.signed_precision, "%Y-%m-%d")),
            "signed_precision": project.signed_precision,
            "quote": quote.quote if quote else None,
            "article": None if article is None else {
                "id": article.pk, "title": article.title, "url": article.get_absolute_url(),
                "publication": bulletin.publication, "issue_number": bulletin.issue_number,
                "issue_date": bulletin.issue_date.isoformat() if bulletin.issue_date else None,
            },
        })
    return items
