"""Two review actions on the same records at the same moment lose nothing (issue 15, items 5
and 8), through the issue page's own forms, each request on its own PostgreSQL session.

- A confirm and a merge of one candidate: the confirm used to save the copy of the candidate
  it had read before the merge over the merge (`merged_into` back to empty while its events had
  moved): the merge was lost and its amount counted twice.
- A into B and B into A: the two merges locked the rows in opposite orders and deadlocked (a
  500), or could point the two records at each other.

Each round draws the page first (the forms carry the version of the record they act on) and
posts both actions at once. A fault is injected in some rounds: the confirm's write is slowed
(a sleep in `pre_save`), which widens the window between its read and its write as a busy
machine would. After each round: no 500, the outcome is one of the orders the two actions could
have run in, the events are where the merge says, and the confirmed totals of `/api/totals/`
(the dashboard's) changed by exactly that outcome's amount.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models.signals import pre_save
from django.urls import reverse

from projects.models import Project, ProjectEvent, ReviewStatus, Stage
from projects.rollup import rollup_drift
from tests.factories import make_article, make_bulletin, make_event, make_mention, make_project, make_zone
from tests.races import client_for, needs_postgresql, run_together

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

YI = Decimal(100_000_000)
HTMX = {"HTTP_HX_REQUEST": "true"}
SLOW_WRITES = (0.0, 0.03, 0.08)  # seconds the confirm's write is held back, in turn


@pytest.fixture
def slow_writes():
    """A per-thread sleep before every project save (the fault injected into the confirm)."""
    local = threading.local()

    def hold(sender, **kwargs):
        time.sleep(getattr(local, "seconds", 0.0))

    pre_save.connect(hold, sender=Project, weak=False, dispatch_uid="race-slow-write")
    yield local
    pre_save.disconnect(sender=Project, dispatch_uid="race-slow-write")


def confirmed_total(client) -> Decimal:
    data = client.get(reverse("totals-api")).json()
    return Decimal(data["total"]["amount_yuan"]) + Decimal(data["undated"]["amount_yuan"])


KEPT = 10 * YI  # the confirmed project each round adds (`duplicate_pair`), counted before the race


def version_on_page(client, mention) -> str | None:
    """The version the issue page's forms carry for this record (None before there was one)."""
    html = client.get(mention.article.bulletin.get_absolute_url()).content.decode()
    item = html[html.index(f'id="item-{mention.pk}"'):]
    item = item[: item.index("</li>")]
    found = re.search(r'name="version" value="([^"]*)"', item)
    return found.group(1) if found else None


def act(client, mention, version: str | None, slow=None, seconds: float = 0.0, **form):
    def send():
        if slow is not None:
            slow.seconds = seconds
        data = {**form, **({"version": version} if version is not None else {})}
        return client.post(reverse("review-act", args=[mention.pk]), data, **HTMX)
    return send


def done(answer) -> bool:
    """The action was carried out: its list came back without a refusal."""
    return answer.status_code == 200 and 'role="alert"' not in answer.content.decode()


def refused_clearly(answer) -> bool:
    """Refused with words the editor reads (409 for a stale page, or the rule that refused it)."""
    return answer.status_code in (200, 409) and 'role="alert"' in answer.content.decode()


def answer_code(answer) -> str:
    return type(answer).__name__ if isinstance(answer, Exception) else str(answer.status_code)


def duplicate_pair(zone, n: int):
    """A confirmed project with its signing, and a candidate reporting it again (its start)."""
    kept = make_project(zone, name=f"并发测试{n}号产业园项目", review_status=ReviewStatus.CONFIRMED)
    make_event(kept, Stage.SIGNED, kept.date)
    again = make_project(zone, name=f"并发测试{n}号产业园项目（开工）", stage=Stage.STARTED)
    make_event(again, Stage.STARTED, again.date)
    article = make_article(make_bulletin())
    return kept, again, make_mention(again, article)


def test_a_confirm_and_a_merge_of_one_candidate_at_once_lose_nothing(make_user, slow_writes):
    editors = [client_for(make_user("editor", "editor-a")), client_for(make_user("editor", "editor-b"))]
    reader = client_for(make_user("analyst"))
    zone = make_zone()
    rounds, outcomes, lost = 24, Counter(), []
    total = confirmed_total(reader)
    for n in range(rounds):
        kept, again, mention = duplicate_pair(zone, n)
        before = total + KEPT
        version = version_on_page(editors[0], mention)
        seconds = SLOW_WRITES[n % len(SLOW_WRITES)]
        confirm, merge = run_together(
            act(editors[0], mention, version, slow_writes, seconds, action="confirm"),
            act(editors[1], mention, version, action="merge", target=kept.pk),
        )
        again.refresh_from_db()
        outcomes[(answer_code(confirm), answer_code(merge), f"slow {seconds}s")] += 1
        merged = again.merged_into_id == kept.pk
        moved = not ProjectEvent.objects.filter(project=again).exists()
        total = confirmed_total(reader)
        delta = total - before
        if isinstance(confirm, Exception) or isinstance(merge, Exception) or 500 in (
                confirm.status_code, merge.status_code):
            lost.append((n, "500"))
        elif done(merge) and not merged:
            lost.append((n, f"merge answered done but lost: merged_into={again.merged_into_id}, "
                            f"events moved={moved}, totals +{delta / YI} 亿"))
        elif merged != moved or (merged and again.mentions.exists()):
            lost.append((n, f"half a merge: merged={merged}, events moved={moved}"))
        elif delta != (0 if merged else 10 * YI):  # the candidate counts only as a project of its own
            lost.append((n, f"totals +{delta / YI} 亿 (merged={merged})"))
        elif not (done(merge) or refused_clearly(merge)) or not (done(confirm) or refused_clearly(confirm)):
            lost.append((n, "an answer neither done nor clearly refused"))
    print(f"\n{rounds} rounds, confirm vs merge: {dict(outcomes)}; wrong: {lost}")
    assert lost == []
    assert rollup_drift() == []


def test_merging_a_into_b_while_b_into_a_neither_deadlocks_nor_loops(make_user):
    editors = [client_for(make_user("editor", "editor-a")), client_for(make_user("editor", "editor-b"))]
    reader = client_for(make_user("analyst"))
    zone = make_zone()
    rounds, outcomes, wrong = 20, Counter(), []
    total = confirmed_total(reader)
    for n in range(rounds):
        article = make_article(make_bulletin())
        first = make_project(zone, name=f"互并测试{n}号项目")
        second = make_project(zone, name=f"互并测试{n}号项目二期")
        for project in (first, second):
            make_event(project, Stage.SIGNED, project.date)
        at_first, at_second = make_mention(first, article), make_mention(second, article)
        before = total  # two candidates: not counted yet
        tokens = version_on_page(editors[0], at_first), version_on_page(editors[0], at_second)
        answers = run_together(
            act(editors[0], at_first, tokens[0], action="merge", target=second.pk),
            act(editors[1], at_second, tokens[1], action="merge", target=first.pk),
        )
        outcomes[tuple(map(answer_code, answers))] += 1
        first.refresh_from_db()
        second.refresh_from_db()
        total = confirmed_total(reader)
        merged = [p for p in (first, second) if p.merged_into_id is not None]
        if any(isinstance(a, Exception) or a.status_code == 500 for a in answers):
            wrong.append((n, "500"))
        elif len(merged) != 1:
            wrong.append((n, f"{len(merged)} of the two merged (a loop when 2)"))
        else:
            source = merged[0]
            survivor = second if source is first else first
            if (ProjectEvent.objects.filter(project=survivor).count() != 2
                    or ProjectEvent.objects.filter(project=source).exists()):
                wrong.append((n, "events not all on the survivor"))
            elif total - before != 10 * YI:  # the survivor, confirmed by the merge, once
                wrong.append((n, f"totals +{(total - before) / YI} 亿"))
            elif sum(done(a) for a in answers) != 1 or not any(refused_clearly(a) for a in answers):
                wrong.append((n, "not one merge done and the other refused with a message"))
    print(f"\n{rounds} rounds, A into B vs B into A: {dict(outcomes)}; wrong: {wrong}")
    assert wrong == []
    assert rollup_drift() == []


def test_the_admin_bulk_confirm_and_merge_at_once_lose_nothing(make_user, slow_writes):
    """The admin's actions (no version on their forms) are kept safe by the locks alone: the
    confirm reads the candidate under its lock, so it never writes an older copy back."""
    admins = [client_for(make_user("admin", "admin-a")), client_for(make_user("admin", "admin-b"))]
    reader = client_for(make_user("analyst"))
    changelist = reverse("admin:projects_project_changelist")
    zone = make_zone()
    rounds, outcomes, lost = 15, Counter(), []
    total = confirmed_total(reader)
    for n in range(rounds):
        kept, again, _mention = duplicate_pair(zone, 1000 + n)
        before = total + KEPT
        seconds = SLOW_WRITES[n % len(SLOW_WRITES)]

        def confirm(seconds=seconds, again=again):
            slow_writes.seconds = seconds
            return admins[0].post(changelist, {"action": "confirm_selected", "_selected_action": [again.pk]})

        def merge(kept=kept, again=again):
            return admins[1].post(changelist, {"action": "merge_selected", "_selected_action": [again.pk],
                                               "apply": "合并", "target": kept.pk})

        answers = run_together(confirm, merge)
        outcomes[(*map(answer_code, answers), f"slow {seconds}s")] += 1
        again.refresh_from_db()
        merged = again.merged_into_id == kept.pk
        moved = not ProjectEvent.objects.filter(project=again).exists()
        total = confirmed_total(reader)
        delta = total - before
        if any(isinstance(a, Exception) or a.status_code != 302 for a in answers):
            lost.append((n, "not the admin's redirect (a 500?)"))
        elif merged != moved:
            lost.append((n, f"merge lost: merged={merged}, events moved={moved}, totals +{delta / YI} 亿"))
        elif delta != (0 if merged else 10 * YI):
            lost.append((n, f"totals +{delta / YI} 亿 (merged={merged})"))
    print(f"\n{rounds} rounds, admin confirm vs admin merge: {dict(outcomes)}; wrong: {lost}")
    assert lost == []
    assert rollup_drift() == []


def test_the_admin_merging_a_into_b_while_b_into_a_neither_deadlocks_nor_loops(make_user):
    """The same race through the admin's merge action, which carries no version: the fixed lock
    order alone makes one merge wait, find its target merged and be refused with a message."""
    admins = [client_for(make_user("admin", "admin-a")), client_for(make_user("admin", "admin-b"))]
    changelist = reverse("admin:projects_project_changelist")
    zone = make_zone()
    rounds, outcomes, wrong = 12, Counter(), []
    for n in range(rounds):
        pair = [make_project(zone, name=f"后台互并{n}号项目{side}") for side in "甲乙"]
        for project in pair:
            make_event(project, Stage.SIGNED, project.date)

        def merge(source, target, admin):
            return lambda: admin.post(changelist, {"action": "merge_selected", "_selected_action": [source.pk],
                                                   "apply": "合并", "target": target.pk}, follow=True)

        answers = run_together(merge(pair[0], pair[1], admins[0]), merge(pair[1], pair[0], admins[1]))
        outcomes[tuple(map(answer_code, answers))] += 1
        for project in pair:
            project.refresh_from_db()
        merged = [p for p in pair if p.merged_into_id is not None]
        if any(isinstance(a, Exception) or a.status_code != 200 for a in answers):
            wrong.append((n, "500"))
        elif len(merged) != 1:
            wrong.append((n, f"{len(merged)} of the two merged (a loop when 2)"))
        elif ProjectEvent.objects.filter(project=merged[0]).exists():
            wrong.append((n, "events left on the merged project"))
        elif not any("已被合并" in a.content.decode() or "已合并过" in a.content.decode() for a in answers):
            wrong.append((n, "the refused merge said nothing"))
    print(f"\n{rounds} rounds, admin A into B vs B into A: {dict(outcomes)}; wrong: {wrong}")
    assert wrong == []
    assert rollup_drift() == []


def test_folding_a_zone_while_an_editor_merges_one_of_its_projects_loses_no_merge(make_user, slow_writes):
    """The admin folds a zone into another (its records follow, saved one by one: slowed here)
    while an editor merges one of its candidates: the fold writes only the zone of what it read
    before the merge, never that older copy over the merge."""
    from tests.test_admin_curation import change_form_data

    admin, editor = client_for(make_user("admin", "admin-a")), client_for(make_user("editor", "editor-a"))
    rounds, outcomes, lost = 8, Counter(), []
    for n in range(rounds):
        junk, real = make_zone(), make_zone()
        kept, again, mention = duplicate_pair(real, 2000 + n)
        again.zone = junk
        again.save()
        for i in range(8):  # folded before the candidate (newest first), each save slowed
            make_project(junk, name=f"折叠测试{n}-{i}", date=again.date.replace(year=2023))
        url = reverse("admin:zones_zone_change", args=[junk.pk])
        form = {**change_form_data(admin.get(url)), "merged_into": real.pk}
        version = version_on_page(editor, mention)

        def fold(url=url, form=form):
            slow_writes.seconds = 0.03
            return admin.post(url, form)

        folded, merge = run_together(fold, act(editor, mention, version, action="merge", target=kept.pk))
        outcomes[(answer_code(folded), answer_code(merge))] += 1
        again.refresh_from_db()
        merged, moved = again.merged_into_id == kept.pk, not ProjectEvent.objects.filter(project=again).exists()
        if any(isinstance(a, Exception) or a.status_code == 500 for a in (folded, merge)):
            lost.append((n, "500"))
        elif done(merge) and not merged:
            lost.append((n, f"merge answered done but lost: events moved={moved}"))
        elif merged != moved or again.zone_id != real.pk:
            lost.append((n, f"merged={merged}, events moved={moved}, zone followed={again.zone_id == real.pk}"))
    print(f"\n{rounds} rounds, zone fold vs merge: {dict(outcomes)}; wrong: {lost}")
    assert lost == []
    assert rollup_drift() == []
