-- The reverse of 0008_security_round_3.sql. The grants of API roles to the deploying role are
-- kept (roles are cluster-wide, and another database's deployment may rely on them).
DROP FUNCTION app_private.claims_mode();

DROP TABLE app_private.jwt_secret;

ALTER TABLE public.webhook_delivery_log DROP CONSTRAINT webhook_delivery_log_error_message_length_check;

ALTER TABLE public.webhook_delivery_log DROP CONSTRAINT webhook_delivery_log_job_id_length_check;

ALTER TABLE public.webhook_delivery_log DROP CONSTRAINT webhook_delivery_log_event_id_length_check;

ALTER TABLE public.webhook_delivery_log DROP CONSTRAINT webhook_delivery_log_event_type_length_check;

ALTER TABLE public.appointment_audit_log DROP CONSTRAINT appointment_audit_log_reason_length_check;

ALTER TABLE public.appointments DROP CONSTRAINT appointments_metadata_size_check;

ALTER TABLE public.appointments DROP CONSTRAINT appointments_cancellation_reason_length_check;

ALTER TABLE public.appointments DROP CONSTRAINT appointments_notes_length_check;

ALTER TABLE app_private.organization_purges DROP COLUMN purge_xact;

DROP TABLE app_private.webhook_settings;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
               WHERE e.extname = 'btree_gist' AND n.nspname = 'extensions') THEN
        BEGIN
            ALTER EXTENSION btree_gist SET SCHEMA public;
        EXCEPTION WHEN insufficient_privilege THEN  -- as 0008 did it, on an empty calendar only
            IF EXISTS (SELECT 1 FROM public.appointments) THEN
                RAISE EXCEPTION '% may not move btree_gist back to public', current_user
                    USING ERRCODE = '42501',
                          HINT = 'have a superuser run: ALTER EXTENSION btree_gist SET SCHEMA public';
            END IF;
            ALTER TABLE public.appointments DROP CONSTRAINT appointments_no_overlap;
            DROP EXTENSION btree_gist;
            CREATE EXTENSION btree_gist SCHEMA public;
            ALTER TABLE public.appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
                org_id WITH =,
                staff_id WITH =,
                tstzrange(start_time, end_time, '[)') WITH &&
            ) WHERE (status <> 'cancelled');
        END;
    END IF;
END
$$;

DROP SCHEMA extensions;
