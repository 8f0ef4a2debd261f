SELECT p.pubname AS name, p.puballtables AS all_tables,
       array(SELECT pt.schemaname || '.' || pt.tablename FROM pg_publication_tables AS pt
             WHERE pt.pubname = p.pubname ORDER BY 1)::text[] AS tables,
       array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                          CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END],
                    NULL) AS operations
FROM pg_publication AS p
ORDER BY 1
