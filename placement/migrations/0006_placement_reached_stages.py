"""Each placement's reached stages kept on its row by the database, for the red-flag re-check.

The events are partitioned by month on ``at`` (0004), so the events of one placement are found
only by asking every month's partition: a re-check of one placement planned and probed some sixty
partitions to learn the stages its timeline reached, most of its cost. Now
``placement_placement.reached_stages`` holds the same bit set (bit ``s`` set when an event moved
the placement to stage ``s``, 0-62), kept by statement triggers on the events table, so every
writer (the services, an import, the generator's COPY) keeps it, and filled here from the events.

The column is the database's alone: the Django model does not declare it, so no ``save()`` of a
placement ever writes back a value read before a later event. Events are append-only; an update
or a delete (a migration, a repair by hand) recomputes the placements it touched, and a TRUNCATE
of the events clears every placement's. Reversible.
"""

from django.db import migrations

ADD_AND_FILL = """
ALTER TABLE placement_placement ADD COLUMN reached_stages bigint NOT NULL DEFAULT 0;
UPDATE placement_placement p SET reached_stages = reached.stages
FROM (SELECT placement_id, bit_or(1::bigint << to_stage) AS stages FROM placement_placementevent
      WHERE to_stage BETWEEN 0 AND 62 GROUP BY placement_id) reached
WHERE p.id = reached.placement_id;
"""

# Only placements whose bits change are written: most events (documents, notes) move no stage.
TRIGGERS = """
CREATE FUNCTION placement_reached_stages_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placement_placement p SET reached_stages = p.reached_stages | added.stages
    FROM (SELECT placement_id, bit_or(1::bigint << to_stage) AS stages FROM new_events
          WHERE to_stage BETWEEN 0 AND 62 GROUP BY placement_id) added
    WHERE p.id = added.placement_id AND p.reached_stages & added.stages <> added.stages;
    RETURN NULL;
END $$;

CREATE FUNCTION placement_reached_stages_recomputed(placement_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE placement_placement p
    SET reached_stages = COALESCE((SELECT bit_or(1::bigint << e.to_stage) FROM placement_placementevent e
                                   WHERE e.placement_id = p.id AND e.to_stage BETWEEN 0 AND 62), 0)
    WHERE p.id = ANY(placement_ids);
$$;

CREATE FUNCTION placement_reached_stages_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM placement_reached_stages_recomputed(ARRAY(
        SELECT placement_id FROM old_events UNION SELECT placement_id FROM new_events));
    RETURN NULL;
END $$;

CREATE FUNCTION placement_reached_stages_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM placement_reached_stages_recomputed(ARRAY(SELECT DISTINCT placement_id FROM old_events));
    RETURN NULL;
END $$;

CREATE FUNCTION placement_reached_stages_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placement_placement SET reached_stages = 0 WHERE reached_stages <> 0;
    RETURN NULL;
END $$;

CREATE TRIGGER placement_reached_stages_added AFTER INSERT ON placement_placementevent
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION placement_reached_stages_added();
CREATE TRIGGER placement_reached_stages_updated AFTER UPDATE ON placement_placementevent
    REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION placement_reached_stages_updated();
CREATE TRIGGER placement_reached_stages_deleted AFTER DELETE ON placement_placementevent
    REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION placement_reached_stages_deleted();
CREATE TRIGGER placement_reached_stages_cleared AFTER TRUNCATE ON placement_placementevent
    FOR EACH STATEMENT EXECUTE FUNCTION placement_reached_stages_cleared();
"""

DROP = """
DROP TRIGGER placement_reached_stages_added ON placement_placementevent;
DROP TRIGGER placement_reached_stages_updated ON placement_placementevent;
DROP TRIGGER placement_reached_stages_deleted ON placement_placementevent;
DROP TRIGGER placement_reached_stages_cleared ON placement_placementevent;
DROP FUNCTION placement_reached_stages_added();
DROP FUNCTION placement_reached_stages_updated();
DROP FUNCTION placement_reached_stages_deleted();
DROP FUNCTION placement_reached_stages_cleared();
DROP FUNCTION placement_reached_stages_recomputed(bigint[]);
ALTER TABLE placement_placement DROP COLUMN reached_stages;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0005_placement_worker_village_and_sex"),
    ]

    operations = [migrations.RunSQL(ADD_AND_FILL + TRIGGERS, DROP)]
