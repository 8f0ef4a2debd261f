-- Who holds pgsuite's migration lock (an advisory lock on one bigint key), for messages.
SELECT a.pid, a.application_name, a.client_addr, a.backend_start, a.state
FROM pg_locks AS l
JOIN pg_stat_activity AS a USING (pid)
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.objsubid = 1
  AND ((l.classid::bigint << 32) | l.objid::bigint) = %(key)s
LIMIT 1
