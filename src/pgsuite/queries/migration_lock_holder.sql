-- Who holds pgsuite's migration lock (the table lock on pgsuite.migration_lock), for messages.
SELECT a.pid, a.application_name, a.client_addr, a.backend_start, a.state
FROM pg_catalog.pg_locks AS l
JOIN pg_catalog.pg_stat_activity AS a USING (pid)
WHERE l.locktype = 'relation' AND l.granted AND l.relation = 'pgsuite.migration_lock'::regclass
  AND l.mode = 'ExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid()
LIMIT 1
