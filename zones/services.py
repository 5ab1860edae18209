"""Writes to zones: folding a zone first seen in text into the real zone it names.

A zone read from a page that an admin recognises (`西咸高新区` for 西安高新区, an old name, a
misreading) is folded into the real zone: its name becomes an alias of the real zone (so the
next parse finds the real zone), and its records follow — projects, batches and the articles
that name it. The folded zone stays, pointing at the real one (`merged_into`), so links to it
keep working and its history shows what happened. Every record is saved one by one, so each
move is in that record's history (and the totals rollup follows through its save signals).

Records are reached through the zone's reverse relations: zones depend on nothing else.
They are all locked before the first write, batches then projects, each by id (the order of
every writer of records, `projects.services.lock`), and only their zone is written: an
editor's review or merge of one of them meanwhile either waits or is kept, never overwritten
by the copy read here, and never deadlocks with the fold (issue 15).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Zone, ZoneAlias


def _save(obj, user, reason: str, fields: list[str] | None = None) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save(update_fields=fields)


@transaction.atomic
def fold_zone(source: Zone, target: Zone, user=None) -> dict[str, int]:
    """Fold `source` into `target` as an alias; returns how many records of each kind moved."""
    # FOR NO KEY UPDATE: a writer whose rows point at this zone (a review action recomputing its
    # rollup cells) checks that key at commit; FOR UPDATE made it wait while the fold waited for it.
    source = Zone.objects.select_for_update(no_key=True).get(pk=source.pk)
    target = Zone.objects.get(pk=target.pk)
    while target.merged_into_id is not None and target.pk != source.pk:
        target = target.merged_into
    if target.pk == source.pk:
        raise ValidationError(_("不能把开发区并入它自己。"))
    reason = f"zone {source.short_name} folded into {target.short_name}"
    moved = {"projects": 0, "batches": 0, "articles": 0}
    locked = {kind: list(getattr(source, kind).select_for_update(no_key=True).order_by("pk"))
              for kind in ("batches", "projects")}  # all locked before the first write
    for kind, records in locked.items():
        for record in records:
            record.zone = target
            _save(record, user, reason, ["zone", "updated_at"])
            moved[kind] += 1
    for article in source.articles.all():
        article.zones.add(target)
        article.zones.remove(source)
        moved["articles"] += 1
    for name in {source.short_name, source.full_name} - {"", target.short_name, target.full_name}:
        alias = ZoneAlias.objects.filter(name=name).first() or ZoneAlias(name=name)
        alias.zone = target
        _save(alias, user, reason)
    for alias in source.aliases.all():
        alias.zone = target
        _save(alias, user, reason)
    source.merged_into = target
    _save(source, user, reason)
    return moved
