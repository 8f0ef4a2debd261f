-- Statements in the reverse order of 0005_private_schema.sql, one for each.
ALTER TABLE public.appointment_audit_log DROP CONSTRAINT appointment_audit_log_org_id_fkey;

ALTER TABLE public.appointment_audit_log
    ADD CONSTRAINT appointment_audit_log_org_id_fkey FOREIGN KEY (org_id)
    REFERENCES public.organizations (id) ON DELETE CASCADE;

DROP TABLE app_private.organization_purges;

DELETE FROM app_private.booking_settings;

DROP TABLE app_private.booking_settings;

DO $$ BEGIN RAISE NOTICE 'app_private: its privileges go with the schema'; END $$;

-- CASCADE: the repeatable helpers live here, and the policies call app_private.request_org_id().
-- Rolling back forgets the repeatables, so the next apply re-creates them.
DROP SCHEMA app_private CASCADE;
