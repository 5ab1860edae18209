"""The follow-through's data version (projects.timeline.touch): a new token after the write's
commit, one per transaction, none on a rollback, and no lock on the token's row while the
writer's transaction is open (PostgreSQL: a second connection changes it meanwhile).

These tests commit for real (`transaction=True`): the test-case transaction would never run
the commit hooks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from projects import follow_through, timeline
from projects.filters import ProjectFilter
from projects.models import DataVersion
from tests.factories import make_event, make_project, make_zone

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


@pytest.fixture
def project():
    made = make_project(make_zone("丙高新区"), review_status="confirmed", stage="signed",
                        date=dt.date(2023, 1, 5), date_precision="day")
    make_event(made, "signed", dt.date(2023, 1, 5))
    timeline.touch()
    return made


def figures() -> dict:
    return follow_through.for_filter(ProjectFilter(QueryDict("")), as_of=dt.date(2024, 6, 30)).as_json()


def test_the_token_changes_after_the_commit_once_per_transaction(project):
    before = timeline.data_version()
    with transaction.atomic():
        make_event(project, "started", dt.date(2023, 3, 1))
        make_event(project, "operating", dt.date(2023, 9, 1))
        project.save()
        assert timeline.data_version() == before  # not yet: nothing locked, nothing changed
        bumps = [f for _s, f, _r in connection.run_on_commit if isinstance(f, timeline._Bump)]
        assert len(bumps) == 1  # three writes, one bump
    assert timeline.data_version() != before


def test_no_new_token_on_a_rollback(project):
    before = timeline.data_version()
    with pytest.raises(Boom), transaction.atomic():
        make_event(project, "started", dt.date(2023, 3, 1))
        raise Boom
    assert timeline.data_version() == before
    with transaction.atomic():  # and the next transaction registers its own bump
        make_event(project, "started", dt.date(2023, 3, 1))
    assert timeline.data_version() != before


def test_a_rolled_back_savepoint_does_not_drop_the_outer_bump(project):
    before = timeline.data_version()
    with transaction.atomic():
        make_event(project, "started", dt.date(2023, 3, 1))
        with pytest.raises(Boom), transaction.atomic():
            make_event(project, "operating", dt.date(2023, 9, 1))
            raise Boom
    assert timeline.data_version() != before


def test_figures_read_inside_an_open_write_are_never_cached(project, settings):
    settings.FOLLOW_THROUGH_CACHE_SECONDS = 600
    assert figures()["total"]["started"]["count"] == 0
    with pytest.raises(Boom), transaction.atomic():
        make_event(project, "started", dt.date(2023, 3, 1))
        assert figures()["total"]["started"]["count"] == 1  # its own uncommitted start
        raise Boom
    assert figures()["total"]["started"]["count"] == 0  # not the rolled-back figure from the cache


def test_a_second_connection_updates_the_token_while_a_write_is_open(project):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections: PostgreSQL only (SQLite locks the whole file)")
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with transaction.atomic():
        make_event(project, "started", dt.date(2023, 3, 1))
        project.save()
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SET lock_timeout = '2s'")
            other.execute(f"UPDATE {DataVersion._meta.db_table} SET token = 'other' WHERE id = 1")
        assert timeline.data_version() == "other"  # committed by the other connection, seen here
    assert timeline.data_version() not in ("", "other")  # then this write's own bump
