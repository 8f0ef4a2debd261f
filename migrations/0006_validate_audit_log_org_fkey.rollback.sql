-- A validated constraint stays valid: 0005's rollback replaces it.
DO $$ BEGIN RAISE NOTICE 'appointment_audit_log_org_id_fkey stays validated'; END $$;
