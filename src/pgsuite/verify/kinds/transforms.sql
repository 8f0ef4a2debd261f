SELECT format_type(t.trftype, NULL) || ' for ' || l.lanname AS name,
       CASE WHEN t.trffromsql <> 0 THEN t.trffromsql::regprocedure::text END AS from_sql,
       CASE WHEN t.trftosql <> 0 THEN t.trftosql::regprocedure::text END AS to_sql,
       obj_description(t.oid, 'pg_transform') AS comment
FROM pg_transform AS t
JOIN pg_language AS l ON l.oid = t.trflang
WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_transform'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1
