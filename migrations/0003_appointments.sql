-- Appointments, their audit trail, and the constraint that makes double booking impossible.
CREATE TABLE public.appointments (
    id                   uuid        NOT NULL DEFAULT gen_random_uuid(),
    org_id               uuid        NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    staff_id             uuid        NOT NULL,
    customer_id          uuid        NOT NULL,
    service_id           uuid,
    start_time           timestamptz NOT NULL,
    end_time             timestamptz NOT NULL,
    status               text        NOT NULL DEFAULT 'booked',
    notes                text,
    metadata             jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_by           text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    cancelled_at         timestamptz,
    cancelled_by         text,
    cancellation_reason  text,
    CONSTRAINT appointments_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT appointments_staff_fkey FOREIGN KEY (org_id, staff_id)
        REFERENCES public.staff_members (org_id, id),
    CONSTRAINT appointments_customer_fkey FOREIGN KEY (org_id, customer_id)
        REFERENCES public.customers (org_id, id),
    CONSTRAINT appointments_service_fkey FOREIGN KEY (org_id, service_id)
        REFERENCES public.services (org_id, id),
    CONSTRAINT appointments_status_check
        CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
    CONSTRAINT appointments_time_order_check CHECK (end_time > start_time),
    CONSTRAINT appointments_metadata_object_check CHECK (jsonb_typeof(metadata) = 'object'),
    -- a soft delete is complete or absent: cancelled exactly when cancelled_at is set
    CONSTRAINT appointments_cancellation_check
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    -- The last line of defence: no two active appointments of one staff member overlap,
    -- whatever their start times ('[)': one may end exactly when the next begins).
    -- Its GiST index also serves every overlap query the booking functions run.
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        org_id WITH =,
        staff_id WITH =,
        tstzrange(start_time, end_time, '[)') WITH &&
    ) WHERE (status <> 'cancelled')
);

-- A staff member's schedule in time order; also the index behind appointments_staff_fkey.
CREATE INDEX idx_appointments_scheduling_lookup
    ON public.appointments (org_id, staff_id, start_time);

-- Behind appointments_customer_fkey, and a customer's appointments.
CREATE INDEX idx_appointments_customer ON public.appointments (org_id, customer_id);

-- Behind appointments_service_fkey (a service's delete must not scan every appointment).
CREATE INDEX idx_appointments_service ON public.appointments (org_id, service_id);

ALTER TABLE public.appointments ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.appointments FORCE ROW LEVEL SECURITY;

CREATE TABLE public.appointment_audit_log (
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    org_id          uuid        NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    appointment_id  uuid        NOT NULL,
    action          text        NOT NULL,
    actor           text        NOT NULL,
    old_values      jsonb,
    new_values      jsonb,
    reason          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT appointment_audit_log_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT appointment_audit_log_appointment_fkey FOREIGN KEY (org_id, appointment_id)
        REFERENCES public.appointments (org_id, id),
    CONSTRAINT appointment_audit_log_action_check
        CHECK (action IN ('booked', 'cancelled', 'rescheduled'))
);

-- An appointment's history in order; also the index behind the foreign key (which, with no
-- ON DELETE action, refuses a hard delete of an appointment that has a history).
CREATE INDEX idx_appointment_audit_log_appointment
    ON public.appointment_audit_log (org_id, appointment_id, created_at);

ALTER TABLE public.appointment_audit_log ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.appointment_audit_log FORCE ROW LEVEL SECURITY;
