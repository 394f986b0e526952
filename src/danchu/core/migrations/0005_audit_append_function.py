"""PostgreSQL: one function appends an audit entry in one round trip instead of three
(quality bar P7), doing in the database what ``danchu.core.audit.record`` does on SQLite:

- wait for the transaction-scoped advisory lock that orders chain writers (key "danch");
- read the last entry's hash: the function is VOLATILE, so under READ COMMITTED this statement
  takes its snapshot after the lock is granted and sees the previous writer's committed entry;
- hash ``prev + "\\n" + content`` with SHA-256, where ``content`` is the canonical JSON built by
  Python (``audit._content``), so both databases hash the same bytes and ``verify_chain``
  checks both;
- insert the row and return its id and hashes.

SQLite needs none: its writers are serialised by their IMMEDIATE transaction. A change to the
function is a new migration that replaces it.
"""

from django.db import migrations

CREATE_APPEND_FUNCTION = r"""
CREATE OR REPLACE FUNCTION danchu_audit_append(
    p_at timestamptz, p_actor_id bigint, p_actor_label varchar, p_action varchar,
    p_object_type varchar, p_object_id varchar, p_commune_id bigint, p_before jsonb,
    p_after jsonb, p_ip varchar, p_content text
) RETURNS TABLE (entry_id bigint, entry_prev_hash varchar, entry_entry_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_prev varchar;
    v_hash varchar;
    v_id bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(431131353960);  -- "danch"
    SELECT e.entry_hash INTO v_prev FROM core_auditentry e ORDER BY e.id DESC LIMIT 1;
    v_prev := coalesce(v_prev, repeat('0', 64));
    v_hash := encode(sha256(convert_to(v_prev || E'\n' || p_content, 'UTF8')), 'hex');
    INSERT INTO core_auditentry (
        at, actor_id, actor_label, action, object_type, object_id, commune_id, before, after,
        ip, prev_hash, entry_hash
    ) VALUES (
        p_at, p_actor_id, p_actor_label, p_action, p_object_type, p_object_id, p_commune_id,
        p_before, p_after, p_ip, v_prev, v_hash
    ) RETURNING id INTO v_id;
    RETURN QUERY SELECT v_id, v_prev, v_hash;
END
$$

"""

DROP_APPEND_FUNCTION = (
    "DROP FUNCTION IF EXISTS danchu_audit_append("
    "timestamptz, bigint, varchar, varchar, varchar, varchar, bigint, jsonb, jsonb, varchar, text)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_APPEND_FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_working_day_override_commune")]
    operations = [migrations.RunPython(forwards, backwards)]
