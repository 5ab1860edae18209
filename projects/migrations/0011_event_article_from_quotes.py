"""An event's article is the article of its quote (`articles.Mention.event`), not a column of
the event: the sources point at the records, never the other way (docs/architecture.md).

Every event the ingest wrote has a quote pointing at it, in the same article. Before the column
goes, an event linked to an article by hand (admin) with no quote pointing at it takes over the
quote of its project in that article that points at no event, if there is one."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def quotes_point_at_their_events(apps, schema_editor):
    ProjectEvent = apps.get_model("projects", "ProjectEvent")
    Mention = apps.get_model("articles", "Mention")
    unquoted = ProjectEvent.objects.exclude(article=None).exclude(
        Exists(Mention.objects.filter(event_id=OuterRef("pk")))
    )
    for event_id, project_id, article_id in unquoted.values_list("pk", "project_id", "article_id"):
        quote = (
            Mention.objects.filter(article_id=article_id, project_id=project_id, event=None)
            .order_by("pk").values_list("pk", flat=True).first()
        )
        if quote is not None:
            Mention.objects.filter(pk=quote).update(event_id=event_id)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0010_history_without_column_indexes'),
        ('articles', '0004_search'),
    ]

    operations = [
        migrations.RunPython(quotes_point_at_their_events, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalprojectevent',
            name='article',
        ),
        migrations.RemoveField(
            model_name='projectevent',
            name='article',
        ),
    ]
