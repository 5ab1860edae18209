"""An export's finished file moves from the worker's disk (EXPORT_DIR) into the database
(ExportChunk), so a web process on another machine can serve it. The files of jobs done before
are copied in where this machine has them (a job whose file is elsewhere shows as expired);
the `path` column goes in the next migration (PostgreSQL refuses to alter a table in the
transaction that wrote rows checked against it)."""

from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CHUNK_BYTES = 1024 * 1024  # as projects.export_jobs.CHUNK_BYTES when this was written


def copy_files_in(apps, schema_editor):
    ExportJob = apps.get_model("projects", "ExportJob")
    ExportChunk = apps.get_model("projects", "ExportChunk")
    folder = Path(settings.EXPORT_DIR)
    for job in ExportJob.objects.filter(status="done").exclude(path="").only("pk", "path"):
        path = folder / Path(job.path).name
        if not path.is_file():
            continue
        size = 0
        with path.open("rb") as source:
            for position, piece in enumerate(iter(lambda: source.read(CHUNK_BYTES), b"")):
                ExportChunk.objects.create(job_id=job.pk, position=position, data=piece)
                size += len(piece)
        ExportJob.objects.filter(pk=job.pk).update(size=size)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0021_export_job_one_active_per_ask'),
    ]

    operations = [
        migrations.AddField(
            model_name='exportjob',
            name='size',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='ExportChunk',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('data', models.BinaryField()),
                ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chunks', to='projects.exportjob')),
            ],
            options={
                'verbose_name': '导出文件片段',
                'verbose_name_plural': '导出文件片段',
                'constraints': [models.UniqueConstraint(fields=('job', 'position'), name='export_chunk_one_per_position')],
            },
        ),
        migrations.RunPython(copy_files_in, migrations.RunPython.noop),
    ]
