INSERT INTO pgsuite.migration_ledger
    (migration_id, checksum, rollback_checksum, statements, duration_ms)
VALUES (%(migration_id)s, %(checksum)s, %(rollback_checksum)s, %(statements)s, %(duration_ms)s)
ON CONFLICT (migration_id) DO UPDATE
SET checksum = EXCLUDED.checksum,
    rollback_checksum = EXCLUDED.rollback_checksum,
    statements = EXCLUDED.statements,
    duration_ms = EXCLUDED.duration_ms,
    applied_at = now(),
    applied_by = current_user
