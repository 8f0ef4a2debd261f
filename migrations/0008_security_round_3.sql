-- depends: 0007_webhook_metric_indexes
-- Security round 3 (docs/security.md): the deploying role can act as the API roles; extensions
-- out of the API schema; webhook limits stored, not passed by callers; the audit log's purge
-- exemption tied to a purge record; input length limits; the claims mode (plain by default).

-- verify's scenarios act as the API roles (SET LOCAL ROLE), and so must the role that deploys:
-- granted here when this role may grant it, else refused with the statement a DBA must run.
-- Every function is named with its schema: this runs with the session's search_path, and an
-- upgraded database may still let anyone create a better-matching overload in public.
DO $$
DECLARE
    v_role text;
    v_missing text[] := '{}';
BEGIN
    FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        -- PostgreSQL 16 and later grant SET ROLE apart from membership
        IF NOT pg_catalog.pg_has_role(current_user, v_role,
                                      CASE WHEN pg_catalog.current_setting('server_version_num')::int >= 160000
                                           THEN 'SET' ELSE 'MEMBER' END) THEN
            BEGIN
                EXECUTE pg_catalog.format('GRANT %I TO %I', v_role, current_user);
            EXCEPTION WHEN insufficient_privilege THEN
                v_missing := pg_catalog.array_append(v_missing, v_role);
            END;
        END IF;
    END LOOP;
    IF pg_catalog.cardinality(v_missing) > 0 THEN
        RAISE EXCEPTION 'the deploying role % cannot act as % and may not grant it: have a superuser (or the '
                        'roles'' admin) run GRANT % TO %, then deploy again',
            current_user, pg_catalog.array_to_string(v_missing, ', '), pg_catalog.array_to_string(v_missing, ', '),
            pg_catalog.quote_ident(current_user)
            USING ERRCODE = '42501';
    END IF;
END
$$;

-- btree_gist was created in public, where PostgREST would serve its functions as RPC and the
-- API roles could execute them: moved to a schema the API roles cannot use. The exclusion
-- constraint keeps its operator class (by oid). A role that may not move it (a non-superuser
-- owner: its objects belong to the bootstrap superuser) re-creates it there when the calendar is
-- empty (a new database: dropping and re-adding the constraint blocks nobody), and otherwise
-- refuses, naming the statement a superuser must run.
CREATE SCHEMA IF NOT EXISTS extensions;

REVOKE ALL ON SCHEMA extensions FROM PUBLIC;

-- pgsuite-ignore: M008 the constraint is re-added only when public.appointments is empty (checked just before)
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
               WHERE e.extname = 'btree_gist' AND n.nspname = 'public') THEN
        BEGIN
            ALTER EXTENSION btree_gist SET SCHEMA extensions;
        EXCEPTION WHEN insufficient_privilege THEN
            IF EXISTS (SELECT 1 FROM public.appointments) THEN
                RAISE EXCEPTION 'btree_gist lies in schema public, which the API exposes, and % may not move it: '
                                'have a superuser run ALTER EXTENSION btree_gist SET SCHEMA extensions, then '
                                'deploy again', current_user
                    USING ERRCODE = '42501';
            END IF;
            ALTER TABLE public.appointments DROP CONSTRAINT appointments_no_overlap;
            DROP EXTENSION btree_gist;
            CREATE EXTENSION btree_gist SCHEMA extensions;
            ALTER TABLE public.appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
                org_id WITH =,
                staff_id WITH =,
                tstzrange(start_time, end_time, '[)') WITH &&
            ) WHERE (status <> 'cancelled');
        END;
    END IF;
END
$$;

-- Webhook limits, one row, only the owner's: a worker could pass a 6th attempt or a lease of a
-- microsecond (and take over a delivery another worker holds) when each call named them.
-- pgsuite-ignore: squawk.prefer-bigint-over-int max_attempts is checked between 1 and 100
CREATE TABLE app_private.webhook_settings (
    id            boolean     NOT NULL DEFAULT true,
    max_attempts  integer     NOT NULL DEFAULT 5,
    lease         interval    NOT NULL DEFAULT interval '5 minutes',
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_settings_pkey PRIMARY KEY (id),
    CONSTRAINT webhook_settings_single_row_check CHECK (id),
    CONSTRAINT webhook_settings_max_attempts_check CHECK (max_attempts BETWEEN 1 AND 100),
    CONSTRAINT webhook_settings_lease_check CHECK (lease >= interval '1 second' AND lease <= interval '1 day')
);

INSERT INTO app_private.webhook_settings DEFAULT VALUES;

-- The transaction that purged: the audit log lets an organization's rows go only in the
-- transaction that wrote its purge record (a setting any session could set did before).
ALTER TABLE app_private.organization_purges ADD COLUMN purge_xact xid8;

-- Tenant input, bounded: what lands in the append-only audit log stays for ever. The functions
-- refuse longer arguments with 22001 and name them; these constraints (23514) hold for every
-- writer. NOT VALID: no scan under this migration's lock; 0009 validates them.
ALTER TABLE public.appointments
    ADD CONSTRAINT appointments_notes_length_check CHECK (char_length(notes) <= 2000) NOT VALID;

ALTER TABLE public.appointments
    ADD CONSTRAINT appointments_cancellation_reason_length_check
    CHECK (char_length(cancellation_reason) <= 1000) NOT VALID;

ALTER TABLE public.appointments
    ADD CONSTRAINT appointments_metadata_size_check CHECK (octet_length(metadata::text) <= 16384) NOT VALID;

ALTER TABLE public.appointment_audit_log
    ADD CONSTRAINT appointment_audit_log_reason_length_check CHECK (char_length(reason) <= 1000) NOT VALID;

ALTER TABLE public.webhook_delivery_log
    ADD CONSTRAINT webhook_delivery_log_event_type_length_check CHECK (char_length(event_type) <= 200) NOT VALID;

ALTER TABLE public.webhook_delivery_log
    ADD CONSTRAINT webhook_delivery_log_event_id_length_check CHECK (char_length(event_id) <= 200) NOT VALID;

ALTER TABLE public.webhook_delivery_log
    ADD CONSTRAINT webhook_delivery_log_job_id_length_check CHECK (char_length(job_id) <= 200) NOT VALID;

ALTER TABLE public.webhook_delivery_log
    ADD CONSTRAINT webhook_delivery_log_error_message_length_check
    CHECK (char_length(error_message) <= 4000) NOT VALID;

-- The secret PostgREST signs its tokens with, as the HMAC-SHA256 key's inner and outer pads
-- (RFC 2104), set by app_private.set_jwt_secret(); only the owner reads it. Empty until then:
-- it is used in signed mode only (optional/signed_claims.sql).
CREATE TABLE app_private.jwt_secret (
    id          boolean     NOT NULL DEFAULT true,
    inner_pad   bytea       NOT NULL,
    outer_pad   bytea       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jwt_secret_pkey PRIMARY KEY (id),
    CONSTRAINT jwt_secret_single_row_check CHECK (id),
    CONSTRAINT jwt_secret_pads_check CHECK (octet_length(inner_pad) = 64 AND octet_length(outer_pad) = 64)
);

-- How the tenant's claims are read: 'plain', request.jwt.claims as PostgREST sets it (which any
-- session can set: docs/security.md); 'signed' once optional/signed_claims.sql is applied (the
-- token PostgREST passes in request.headers, verified here). A constant, inlined and folded
-- into every policy and function that reads the claims: the plain mode costs nothing.
CREATE FUNCTION app_private.claims_mode()
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'plain';

REVOKE ALL ON FUNCTION app_private.claims_mode() FROM PUBLIC;
