"""The conclusion is kept as issued (its number, date, signer and .docx on the inspection), and
the "Kết luận" it published is addressed to the inspected unit (ADR 0011).

Conclusions issued before: those with recommendations take the number, the date (the
directive's, else the day of the conclusion) and the file of their published document, and
that document (and any revision of it) is addressed to the inspected unit. Those without
recommendations kept nothing: their number, date and signer stay blank.
"""

from django.db import migrations, models
from django.utils import timezone


def keep_issued_conclusions(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    Directive = apps.get_model("directives", "Directive")
    concluded = Inspection.objects.filter(conclusion__isnull=False).select_related(
        "conclusion__source"
    )
    for inspection in concluded.order_by("pk"):
        directive = inspection.conclusion
        inspection.conclusion_number = directive.number
        inspection.conclusion_date = directive.issued_on or (
            timezone.localtime(inspection.concluded_at).date()
        )
        inspection.conclusion_file = directive.source.file.name
        inspection.save(
            update_fields=["conclusion_number", "conclusion_date", "conclusion_file"]
        )
        revision = directive.pk
        while revision is not None:
            Directive.objects.filter(pk=revision).update(addressed_to_id=inspection.unit_id)
            revision = (
                Directive.objects.filter(previous_id=revision).values_list("pk", flat=True).first()
            )


class Migration(migrations.Migration):

    dependencies = [
        ('directives', '0005_directive_addressed_to'),
        ('inspections', '0001_inspection_plans_checklists_recommendations'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspection',
            name='conclusion_date',
            field=models.DateField(blank=True, null=True, verbose_name='ngày kết luận'),
        ),
        migrations.AddField(
            model_name='inspection',
            name='conclusion_file',
            field=models.FileField(blank=True, max_length=255, upload_to='inspections/', verbose_name='tệp kết luận đã ban hành'),
        ),
        migrations.AddField(
            model_name='inspection',
            name='conclusion_number',
            field=models.CharField(blank=True, max_length=80, verbose_name='số kết luận'),
        ),
        migrations.AddField(
            model_name='inspection',
            name='conclusion_signer',
            field=models.CharField(blank=True, max_length=120, verbose_name='người ký kết luận'),
        ),
        migrations.RunPython(keep_issued_conclusions, migrations.RunPython.noop),
    ]
