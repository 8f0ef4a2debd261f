SELECT e.evtname AS name, e.evtevent AS event, e.evtfoid::regprocedure::text AS function,
       coalesce(e.evttags, '{}')::text[] AS tags,
       CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         ELSE 'always' END AS enabled,
       pg_get_userbyid(e.evtowner) AS owner,
       obj_description(e.oid, 'pg_event_trigger') AS comment
FROM pg_event_trigger AS e
ORDER BY 1
