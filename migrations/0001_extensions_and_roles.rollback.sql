-- The roles stay: they are cluster-wide and other databases on the server may use them
-- (DROP ROLE would fail there, or break them). This statement pairs with the DO block.
DO $$ BEGIN RAISE NOTICE 'roles anon, authenticated, service_role are kept (cluster-wide)'; END $$;

DROP EXTENSION IF EXISTS btree_gist;
