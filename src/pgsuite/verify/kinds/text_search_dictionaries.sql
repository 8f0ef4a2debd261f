SELECT n.nspname AS schema, d.dictname AS name,
       (SELECT tn.nspname || '.' || t.tmplname FROM pg_ts_template AS t JOIN pg_namespace AS tn ON tn.oid = t.tmplnamespace
        WHERE t.oid = d.dicttemplate) AS template,
       d.dictinitoption AS options,
       pg_get_userbyid(d.dictowner) AS owner,
       obj_description(d.oid, 'pg_ts_dict') AS comment
FROM pg_ts_dict AS d
JOIN pg_namespace AS n ON n.oid = d.dictnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS x
                  WHERE x.classid = 'pg_ts_dict'::regclass AND x.objid = d.oid AND x.deptype = 'e')
ORDER BY 1, 2
