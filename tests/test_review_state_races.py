"""What is left to review stays exact when editors act at the same moment, and when an issue is
parsed again while it is being reviewed (articles/review_state.py), each request on its own
PostgreSQL session.

- Two editors confirm two candidates quoted by the same article at once. Each recomputes the
  article from what it reads; had the second read before the first committed, the article
  would stay "pending" with nothing left in it (or the count one too high). The writers' lock
  orders the two recomputes, the second reads after the first committed.
- An editor confirms a candidate while a worker writes a new parse of the same issue: the
  parse holds the issue's article rows and, at its end, waits for the writers' lock that the
  confirm holds. The confirm skips the rows the parse holds instead of waiting for them (the
  two would deadlock), and the parse recomputes its issue after the confirm committed.

After every round: no 500, no deadlock, and the kept flags and counts equal a fresh
computation (`review_state.drift()`), as does the rollup.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db.models.signals import pre_save
from django.urls import reverse

from articles import ingest, review_state
from articles.models import Bulletin, Mention
from articles.parsing.pipeline import parse_bytes
from projects.models import Project, ReviewStatus
from projects.rollup import rollup_drift
from tests.factories import make_article, make_bulletin, make_mention, make_project, make_zone
from tests.fault_tools import generated_page, upload
from tests.races import client_for, needs_postgresql, run_together

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]
HTMX = {"HTTP_HX_REQUEST": "true"}


def confirm(client, mention: Mention):
    return lambda: client.post(reverse("review-act", args=[mention.pk]), {"action": "confirm"}, **HTMX)


def failed(answer) -> bool:
    return isinstance(answer, Exception) or answer.status_code >= 500


def test_two_confirms_in_one_article_at_once_leave_exact_counts(make_user):
    editors = [client_for(make_user("editor", "editor-a")), client_for(make_user("editor", "editor-b"))]
    zone = make_zone()
    rounds, wrong, outcomes = 12, [], Counter()
    bulletin = make_bulletin()
    for n in range(rounds):
        article = make_article(bulletin, position=n)
        quotes = [make_mention(make_project(zone, name=f"同篇并发确认{n}-{k}号项目"), article) for k in range(2)]
        answers = run_together(confirm(editors[0], quotes[0]), confirm(editors[1], quotes[1]))
        outcomes[tuple(getattr(a, "status_code", type(a).__name__) for a in answers)] += 1
        article.refresh_from_db()
        if any(failed(a) for a in answers):
            wrong.append((n, "500 or exception"))
        elif article.awaiting_review:
            wrong.append((n, "both confirmed, the article still awaits review"))
        elif drift := review_state.drift():
            wrong.append((n, drift))
    print(f"\n{rounds} rounds, two confirms in one article: {dict(outcomes)}; wrong: {wrong}")
    assert wrong == []
    counts = review_state.issue_counts(bulletin)
    assert (counts.pending_articles, counts.pending_records, counts.articles) == (0, 0, rounds)


def test_a_confirm_while_the_issue_is_parsed_again_neither_deadlocks_nor_drifts(
        make_user, monkeypatch, django_capture_on_commit_callbacks):
    """The candidate confirmed is quoted by another issue too, so the parse keeps it (and its
    quotes in the parsed issue are among the rows the parse holds). In some rounds the parse is
    held just after it deleted the issue's articles (the fault injected), so that the confirm
    meets those rows held."""
    editor = client_for(make_user("editor"))
    other = client_for(make_user("editor", "editor-b"))
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, generated_page(6, tag="并")).status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "parsed", bulletin.error
    parsed = parse_bytes(bytes(bulletin.file.data), issue_date=bulletin.issue_date,
                         publication=bulletin.publication)
    elsewhere = make_article(make_bulletin())
    hold = {"seconds": 0.0}
    drop_unreviewed = ingest._drop_unreviewed

    def held_drop(*args, **kwargs):
        kept = drop_unreviewed(*args, **kwargs)
        time.sleep(hold["seconds"])
        return kept

    monkeypatch.setattr(ingest, "_drop_unreviewed", held_drop)
    rounds, wrong, outcomes = 10, [], Counter()
    for n in range(rounds):
        candidate = Mention.objects.filter(
            article__bulletin=bulletin, project__review_status=ReviewStatus.CANDIDATE,
            project__merged_into__isnull=True).order_by("article__position", "start").first().project
        quote = make_mention(candidate, elsewhere)  # quoted by another issue: the parse keeps it
        hold["seconds"] = 0.6 if n % 2 else 0.0

        def parse_again():
            return ingest.store_parse(Bulletin.objects.get(pk=bulletin.pk), parsed)

        def confirm_a_little_later(quote=quote):
            time.sleep(0.15)  # the parse has deleted the issue's articles by then
            return confirm(other, quote)()

        answers = run_together(parse_again, confirm_a_little_later)
        outcomes[tuple(type(a).__name__ if isinstance(a, Exception) else getattr(a, "status_code", "parsed")
                       for a in answers)] += 1
        candidate.refresh_from_db()
        if any(isinstance(a, Exception) for a in answers) or getattr(answers[1], "status_code", 200) >= 500:
            wrong.append((n, [repr(a)[:300] for a in answers]))
        elif candidate.review_status != ReviewStatus.CONFIRMED:
            wrong.append((n, "the confirm was lost"))
        elif drift := review_state.drift():
            wrong.append((n, drift))
    print(f"\n{rounds} rounds, confirm vs parse again: {dict(outcomes)}; wrong: {wrong}")
    assert wrong == []
    assert rollup_drift() == []


def test_a_parse_again_never_deletes_a_candidate_confirmed_meanwhile(
        make_user, django_capture_on_commit_callbacks):
    """The parse deletes the issue's candidates. A candidate an editor is confirming at that
    moment (its write held back: the fault injected) was read as a candidate by the parse, which
    then deleted it once the confirm had committed: the confirm answered done and was lost."""
    editor = client_for(make_user("editor"))
    other = client_for(make_user("editor", "editor-b"))
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(editor, generated_page(4, tag="删")).status_code == 302
    bulletin = Bulletin.objects.get()
    parsed = parse_bytes(bytes(bulletin.file.data), issue_date=bulletin.issue_date,
                         publication=bulletin.publication)
    local = threading.local()

    def slow_write(sender, **kwargs):
        time.sleep(getattr(local, "seconds", 0.0))

    pre_save.connect(slow_write, sender=Project, weak=False, dispatch_uid="state-race-slow-write")
    try:
        rounds, wrong = 4, []
        for n in range(rounds):
            quote = Mention.objects.filter(
                article__bulletin=bulletin, project__review_status=ReviewStatus.CANDIDATE,
                project__merged_into__isnull=True).order_by("article__position", "start").first()
            candidate = quote.project

            def slow_confirm(quote=quote):
                local.seconds = 0.5  # holds the candidate's row, confirmed but not yet committed
                return confirm(other, quote)()

            def parse_a_little_later():
                time.sleep(0.15)
                return ingest.store_parse(Bulletin.objects.get(pk=bulletin.pk), parsed)

            answers = run_together(slow_confirm, parse_a_little_later)
            if any(isinstance(a, Exception) for a in answers) or answers[0].status_code >= 500:
                wrong.append((n, [repr(a)[:300] for a in answers]))
            elif (answers[0].status_code == 200 and 'role="alert"' not in answers[0].content.decode()
                  and not Project.objects.filter(pk=candidate.pk, review_status=ReviewStatus.CONFIRMED).exists()):
                # (a parse that locked the candidate first deletes it; the confirm is then refused)
                wrong.append((n, "the confirm answered done and the parse deleted the project"))
            elif drift := review_state.drift():
                wrong.append((n, drift))
    finally:
        pre_save.disconnect(sender=Project, dispatch_uid="state-race-slow-write")
    print(f"\n{rounds} rounds, slow confirm vs parse again: wrong: {wrong}")
    assert wrong == []
