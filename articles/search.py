"""Keyword search over articles and batches: the gram rule of `projects/search.py` applied to
the articles' title, subtitle and text (the `search_document` that `Article.save` and the ingest
write), and to the quotes that reported a batch. Here because both read the sources."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from projects.search import filter_each_term, terms, tsquery, uses_index


def filter_batches(queryset: QuerySet, query: str | None) -> QuerySet:
    """Batches whose title, zone or quote (the sentence that reported them) contains every term.

    A batch has no name of its own (`秦创原` is only in its quote), so the quote is what is
    searched; on PostgreSQL the articles' GIN-indexed grams narrow the quotes to read first
    (a quote is a piece of its article's text, so an article without the grams has no hit)."""

    def quoted(word: str, grams: str | None) -> Q:
        in_quote = Q(mentions__quote__icontains=word)
        if grams:
            in_quote &= Q(mentions__article__search_document__grams=grams)
        hits = queryset.model.objects.filter(in_quote).values("pk")
        return Q(title__icontains=word) | Q(pk__in=hits)

    return filter_each_term(queryset, query, quoted)


def filter_articles(queryset: QuerySet, query: str | None) -> QuerySet:
    """Articles whose title, subtitle or text contains every term of the query."""
    words = terms(query)
    if not words:
        return queryset
    all_grams = tsquery(words)
    if uses_index(queryset) and all_grams:
        queryset = queryset.filter(search_document__grams=all_grams)
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(subtitle__icontains=word) | Q(text__icontains=word)
        )
    return queryset
