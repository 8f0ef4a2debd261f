-- Back to plain claims (request.jwt.claims); the secret is kept.
CREATE OR REPLACE FUNCTION app_private.claims_mode()
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'plain';
