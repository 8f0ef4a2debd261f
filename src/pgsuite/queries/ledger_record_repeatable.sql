INSERT INTO pgsuite.repeatable_ledger (name, checksum)
VALUES (%(name)s, %(checksum)s)
ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()
