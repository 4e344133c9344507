"""Missions abroad, job-order documents, permits that are applied for and decided, and the
national registry: a person is reached by companies through registrations, not owned.

Existing permits were issued directly, so they become "issued". Every worker a company
registered (or placed) gets that company's registration, consented on the day the family's
consent was acknowledged (or the day of registration); people no company registered become
regency-counter registrations."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0006_backfill_licence_events'),
        ('recruitment', '0003_job_order_event'),
        ('villages', '0001_initial'),
        ('placement', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='JobOrderDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('demand_letter', 'Demand letter'), ('employer_licence', "Employer's business licence"), ('employer_registration', "Employer's registration"), ('power_of_attorney', 'Power of attorney'), ('draft_contract', 'Draft employment contract'), ('other', 'Other')], max_length=32, verbose_name='kind')),
                ('number', models.CharField(blank=True, max_length=80, verbose_name='number or reference')),
                ('file', models.FileField(upload_to='job-orders/%Y/%m/', verbose_name='file')),
                ('content_type', models.CharField(max_length=64, verbose_name='file type')),
                ('size', models.PositiveIntegerField(verbose_name='file size')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='attached at')),
            ],
            options={
                'verbose_name': 'job order document',
                'verbose_name_plural': 'job order documents',
                'ordering': ['kind', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='Mission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150, unique=True, verbose_name='name')),
                ('kind', models.CharField(choices=[('kbri', 'Embassy (KBRI)'), ('kjri', 'Consulate general (KJRI)'), ('kdei', 'Indonesian Economic and Trade Office (KDEI)')], max_length=8, verbose_name='kind')),
                ('city', models.CharField(max_length=100, verbose_name='city')),
            ],
            options={
                'verbose_name': 'mission abroad',
                'verbose_name_plural': 'missions abroad',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Registration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('company', "Placement company, with the candidate's consent"), ('regency', 'Regency office (LTSA/Disnaker counter)'), ('village', 'Village officer')], max_length=16, verbose_name='registered through')),
                ('consent_on', models.DateField(blank=True, null=True, verbose_name="candidate's consent given on")),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registered at')),
            ],
            options={
                'verbose_name': 'registration',
                'verbose_name_plural': 'registrations',
                'ordering': ['created_at'],
            },
        ),
        migrations.AlterModelOptions(
            name='recruitmentpermit',
            options={'ordering': ['-valid_until'], 'verbose_name': 'recruitment permit (SIP2MI)', 'verbose_name_plural': 'recruitment permits (SIP2MI)'},
        ),
        migrations.AddField(
            model_name='recruitmentpermit',
            name='applied_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='applied for at'),
        ),
        migrations.AddField(
            model_name='recruitmentpermit',
            name='applied_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='applied for by'),
        ),
        migrations.AddField(
            model_name='recruitmentpermit',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='decided at'),
        ),
        migrations.AddField(
            model_name='recruitmentpermit',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='recruitmentpermit',
            name='reason',
            field=models.TextField(blank=True, verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='recruitmentpermit',
            name='status',
            field=models.CharField(choices=[('applied', 'Applied for'), ('issued', 'Issued'), ('refused', 'Refused'), ('revoked', 'Revoked')], db_index=True, default='applied', max_length=16, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='joborderevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Job order drafted'), ('submitted', 'Submitted for verification'), ('verified', 'Verified by the mission'), ('rejected', 'Rejected by the mission'), ('published', 'Published'), ('closed', 'Closed'), ('cancelled', 'Cancelled'), ('document_added', 'Document attached'), ('permit_applied', 'Recruitment permit applied for'), ('permit_issued', 'Recruitment permit issued'), ('permit_refused', 'Recruitment permit refused'), ('permit_revoked', 'Recruitment permit revoked')], max_length=24, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='recruitmentpermit',
            name='number',
            field=models.CharField(blank=True, max_length=60, null=True, unique=True, verbose_name='SIP2MI number'),
        ),
        migrations.AlterField(
            model_name='worker',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='workers', to='agencies.agency', verbose_name='first registered by company'),
        ),
        migrations.AddConstraint(
            model_name='recruitmentpermit',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['applied', 'refused']), ('number__isnull', False), _connector='OR'), name='permit_issued_has_number', violation_error_message='An issued permit needs its SIP2MI number.'),
        ),
        migrations.AddConstraint(
            model_name='recruitmentpermit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['refused', 'revoked']), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='permit_refusal_has_reason', violation_error_message='A refused or revoked permit needs its reason.'),
        ),
        migrations.AddField(
            model_name='joborderdocument',
            name='job_order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='recruitment.joborder', verbose_name='job order'),
        ),
        migrations.AddField(
            model_name='joborderdocument',
            name='uploaded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='attached by'),
        ),
        migrations.AddField(
            model_name='mission',
            name='countries',
            field=models.ManyToManyField(related_name='missions', to='recruitment.country', verbose_name='jurisdiction (countries)'),
        ),
        migrations.AddField(
            model_name='registration',
            name='agency',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='agencies.agency', verbose_name='company'),
        ),
        migrations.AddField(
            model_name='registration',
            name='registered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by'),
        ),
        migrations.AddField(
            model_name='registration',
            name='worker',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='recruitment.worker', verbose_name='person'),
        ),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['agency', 'worker'], name='registration_agency_worker_idx'),
        ),
        migrations.AddConstraint(
            model_name='registration',
            constraint=models.UniqueConstraint(condition=models.Q(('agency__isnull', False)), fields=('worker', 'agency'), name='one_registration_per_company'),
        ),
        migrations.AddConstraint(
            model_name='registration',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('channel', 'company'), _negated=True), models.Q(('agency__isnull', False), ('consent_on__isnull', False)), _connector='OR'), name='registration_company_has_consent', violation_error_message="A company registers a person only with the candidate's consent."),
        ),
        migrations.RunSQL(
            "UPDATE recruitment_recruitmentpermit SET status = 'issued', decided_at = NULL",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            """
            INSERT INTO recruitment_registration (worker_id, channel, agency_id, consent_on, registered_by_id, created_at)
            SELECT w.id, 'company', w.agency_id, COALESCE(w.family_consent_on, w.created_at::date), NULL, w.created_at
            FROM recruitment_worker w WHERE w.agency_id IS NOT NULL;

            INSERT INTO recruitment_registration (worker_id, channel, agency_id, consent_on, registered_by_id, created_at)
            SELECT DISTINCT ON (p.worker_id, p.agency_id) p.worker_id, 'company', p.agency_id,
                   COALESCE(w.family_consent_on, p.created_at::date), NULL, p.created_at
            FROM placement_placement p JOIN recruitment_worker w ON w.id = p.worker_id
            WHERE w.agency_id IS DISTINCT FROM p.agency_id
            ORDER BY p.worker_id, p.agency_id, p.created_at;

            INSERT INTO recruitment_registration (worker_id, channel, agency_id, consent_on, registered_by_id, created_at)
            SELECT w.id, 'regency', NULL, NULL, NULL, w.created_at
            FROM recruitment_worker w
            WHERE w.agency_id IS NULL AND NOT EXISTS (SELECT 1 FROM recruitment_registration r WHERE r.worker_id = w.id);
            """,
            "DELETE FROM recruitment_registration",
        ),
    ]
