-- Statements in the reverse order of 0003_appointments.sql, one for each.
ALTER TABLE public.appointment_audit_log NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.appointment_audit_log DISABLE ROW LEVEL SECURITY;

DROP INDEX public.idx_appointment_audit_log_appointment;

DROP TABLE public.appointment_audit_log;

ALTER TABLE public.appointments NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.appointments DISABLE ROW LEVEL SECURITY;

DROP INDEX public.idx_appointments_service;

DROP INDEX public.idx_appointments_customer;

DROP INDEX public.idx_appointments_scheduling_lookup;

DROP TABLE public.appointments;
