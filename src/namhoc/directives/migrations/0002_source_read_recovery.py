# Written by hand (only these fields): a read's attempts, worker and heartbeat, so that a read
# whose worker died is found and re-queued (issue 9).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0001_directives_tasks_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcedocument",
            name="read_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="số lần bắt đầu đọc"),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="read_worker",
            field=models.CharField(blank=True, max_length=64, verbose_name="tiến trình đang đọc"),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="read_heartbeat_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="lần cuối báo tiến độ"
            ),
        ),
    ]
