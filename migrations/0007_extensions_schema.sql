-- Extensions leave the API schema: PostgREST exposes every function of the schemas it serves,
-- btree_gist's support functions included. The exclusion constraint on appointments keeps its
-- operator class (it is referenced by OID); nothing names btree_gist's objects by schema.
CREATE SCHEMA IF NOT EXISTS extensions;

ALTER EXTENSION btree_gist SET SCHEMA extensions;
