from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0022_export_file_in_database'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='exportjob',
            name='path',
        ),
    ]
