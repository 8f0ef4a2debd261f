SELECT w.fdwname AS name,
       CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regproc::text END AS handler,
       CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regproc::text END AS validator,
       coalesce(w.fdwoptions, '{}')::text[] AS options,
       pg_get_userbyid(w.fdwowner) AS owner,
       GRANTS_OF(w.fdwacl, w.fdwowner) AS grants,
       obj_description(w.oid, 'pg_foreign_data_wrapper') AS comment
FROM pg_foreign_data_wrapper AS w
WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_foreign_data_wrapper'::regclass AND d.objid = w.oid AND d.deptype = 'e')
ORDER BY 1
