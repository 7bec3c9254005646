"""SQL shared by migrations 0007 and 0008 (frozen here: it reads the columns as they were).

Plain SQL that SQLite and PostgreSQL both run, set-based: one statement each, however many
cases. The loader skips modules whose name starts with "_", so this is no migration itself.
"""

# A row for every case assigned or handling, and for every case that reached a level.
INSERT_MISSING = """
INSERT INTO {sup} (petition_id, level, deadline)
SELECT p.id, p.escalation, CASE WHEN p.status IN ('assigned', 'handling') THEN p.deadline END
FROM {pet} p
WHERE (p.status IN ('assigned', 'handling') OR p.escalation > 0)
  AND NOT EXISTS (SELECT 1 FROM {sup} s WHERE s.petition_id = p.id)
"""
# Levels the petitions table holds above the row's (what the old code escalated since 0007).
RAISE_LEVELS = """
UPDATE {sup} SET level = (SELECT p.escalation FROM {pet} p WHERE p.id = {sup}.petition_id)
WHERE level < (SELECT p.escalation FROM {pet} p WHERE p.id = {sup}.petition_id)
"""
# Backwards: every case's level onto the petitions table again.
LEVELS_BACK = """
UPDATE {pet} SET escalation = (SELECT s.level FROM {sup} s WHERE s.petition_id = {pet}.id)
WHERE id IN (SELECT petition_id FROM {sup} WHERE level > 0)
"""


def run(apps, schema_editor, *statements: str) -> None:
    names = {
        "sup": apps.get_model("petitions", "Supervision")._meta.db_table,
        "pet": apps.get_model("petitions", "Petition")._meta.db_table,
    }
    with schema_editor.connection.cursor() as cur:
        for statement in statements:
            cur.execute(statement.format(**names))
