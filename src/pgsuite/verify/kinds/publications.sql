-- Publications: what pg_dump prints of them: FOR ALL TABLES, the tables named (with their column
-- lists and row filters), the schemas named (FOR TABLES IN SCHEMA), the operations published,
-- publish_via_partition_root, the owner and the comment.
SELECT p.pubname AS name, p.puballtables AS all_tables,
       array(SELECT pr.prrelid::regclass::text
                    || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
                                         FROM unnest(pr.prattrs) WITH ORDINALITY AS k(attnum, n)
                                         JOIN pg_attribute AS a ON a.attrelid = pr.prrelid AND a.attnum = k.attnum)
                                || ')', '')
                    || coalesce(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', '')
             FROM pg_publication_rel AS pr WHERE pr.prpubid = p.oid ORDER BY 1)::text[] AS tables,
       array(SELECT pn.pnnspid::regnamespace::text FROM pg_publication_namespace AS pn
             WHERE pn.pnpubid = p.oid ORDER BY 1)::text[] AS schemas,
       array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                          CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END],
                    NULL) AS operations,
       p.pubviaroot AS via_partition_root,
       pg_get_userbyid(p.pubowner) AS owner,
       obj_description(p.oid, 'pg_publication') AS comment
FROM pg_publication AS p
ORDER BY 1
