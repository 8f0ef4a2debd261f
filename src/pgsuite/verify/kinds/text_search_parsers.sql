SELECT n.nspname AS schema, 'parser ' || p.prsname AS name,
       ARRAY['start ' || p.prsstart::regproc, 'gettoken ' || p.prstoken::regproc, 'end ' || p.prsend::regproc,
             'lextypes ' || p.prslextype::regproc]
       || CASE WHEN p.prsheadline <> 0 THEN ARRAY['headline ' || p.prsheadline::regproc] ELSE '{}' END AS functions,
       obj_description(p.oid, 'pg_ts_parser') AS comment
FROM pg_ts_parser AS p
JOIN pg_namespace AS n ON n.oid = p.prsnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_ts_parser'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT n.nspname, 'template ' || t.tmplname,
       CASE WHEN t.tmplinit <> 0 THEN ARRAY['init ' || t.tmplinit::regproc] ELSE '{}' END
       || ARRAY['lexize ' || t.tmpllexize::regproc],
       obj_description(t.oid, 'pg_ts_template')
FROM pg_ts_template AS t
JOIN pg_namespace AS n ON n.oid = t.tmplnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_ts_template'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
