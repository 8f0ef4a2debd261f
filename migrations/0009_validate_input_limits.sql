-- depends: 0008_security_round_3
-- Validates the length limits 0008 added NOT VALID, each scan under SHARE UPDATE EXCLUSIVE:
-- bookings and deliveries keep writing meanwhile.
ALTER TABLE public.appointments VALIDATE CONSTRAINT appointments_notes_length_check;

ALTER TABLE public.appointments VALIDATE CONSTRAINT appointments_cancellation_reason_length_check;

ALTER TABLE public.appointments VALIDATE CONSTRAINT appointments_metadata_size_check;

ALTER TABLE public.appointment_audit_log VALIDATE CONSTRAINT appointment_audit_log_reason_length_check;

ALTER TABLE public.webhook_delivery_log VALIDATE CONSTRAINT webhook_delivery_log_event_type_length_check;

ALTER TABLE public.webhook_delivery_log VALIDATE CONSTRAINT webhook_delivery_log_event_id_length_check;

ALTER TABLE public.webhook_delivery_log VALIDATE CONSTRAINT webhook_delivery_log_job_id_length_check;

ALTER TABLE public.webhook_delivery_log VALIDATE CONSTRAINT webhook_delivery_log_error_message_length_check;
