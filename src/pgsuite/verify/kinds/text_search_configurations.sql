-- A mapping reads "token: dict, dict" (the token type's alias from the parser, the dictionaries
-- in the order they are tried).
SELECT n.nspname AS schema, c.cfgname AS name,
       c.cfgparser::regclass::text AS parser,
       array(SELECT tt.alias || ': ' || string_agg(m.mapdict::regdictionary::text, ', ' ORDER BY m.mapseqno)
             FROM pg_ts_config_map AS m
             JOIN ts_token_type(c.cfgparser) AS tt ON tt.tokid = m.maptokentype
             WHERE m.mapcfg = c.oid
             GROUP BY tt.alias ORDER BY tt.alias)::text[] AS mappings,
       pg_get_userbyid(c.cfgowner) AS owner,
       obj_description(c.oid, 'pg_ts_config') AS comment
FROM pg_ts_config AS c
JOIN pg_namespace AS n ON n.oid = c.cfgnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d
                  WHERE d.classid = 'pg_ts_config'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
