"""The company page reads its history from LicenceEvent: copy the history recorded before it
(sanctions, and the reinstatements kept in the audit trail) into it, set-based."""

from django.db import migrations

BACKFILL = """
INSERT INTO agencies_licenceevent (agency_id, at, actor_id, kind, from_status, to_status, reason, sanction_id, data)
SELECT s.agency_id, s.created_at, s.imposed_by_id,
       CASE s.kind WHEN 'warning' THEN 'warned' WHEN 'suspension' THEN 'suspended' WHEN 'revocation' THEN 'revoked'
                   ELSE 'sanctioned' END,
       '', CASE s.kind WHEN 'suspension' THEN 'suspended' WHEN 'revocation' THEN 'revoked' ELSE '' END,
       s.reason, s.id, '{}'::jsonb
FROM agencies_sanction s
WHERE NOT EXISTS (SELECT 1 FROM agencies_licenceevent e WHERE e.sanction_id = s.id);

INSERT INTO agencies_licenceevent (agency_id, at, actor_id, kind, from_status, to_status, reason, sanction_id, data)
SELECT (a.detail->>'agency_id')::bigint, a.at, a.actor_id, 'reinstated', 'suspended',
       COALESCE(a.detail->>'licence_status', ''), COALESCE(a.detail->>'reason', ''), NULL,
       jsonb_build_object('ended_suspensions', COALESCE(a.detail->'ended_suspensions', '[]'::jsonb))
FROM accounts_auditentry a
JOIN agencies_agency g ON g.id = (a.detail->>'agency_id')::bigint
WHERE a.action = 'licence_reinstated';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_licence_event"),
        ("accounts", "0004_api_key_moved_from_agencies"),
    ]

    operations = [migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop)]
