-- The Navigator's kit (DOMAIN.md §7): items from procurement batch to
-- return, who holds them, their movements and the SIMs' pairings.

CREATE TABLE equipment_items (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('smartphone', 'tablet', 'sim', 'mailbox')),
    kit_part TEXT NOT NULL CHECK (kit_part IN ('smartphone', 'sim_voice_data', 'tablet', 'sim_data', 'mailbox')),
    model TEXT,
    serial TEXT,
    imei TEXT,
    iccid TEXT,
    phone_number TEXT,
    plan TEXT CHECK (plan IN ('voice_data', 'data')),
    mailbox TEXT,
    batch TEXT,
    state TEXT NOT NULL CHECK (state IN ('in_stock', 'personalised', 'assigned', 'returned', 'lost', 'stolen', 'broken', 'retired')),
    holder_id TEXT REFERENCES navigators (id),
    assigned_on DATE,
    acknowledged_at TIMESTAMP,
    return_condition TEXT,
    wiped BOOLEAN,
    reported_on DATE,
    -- A lost or stolen SIM the operator must block.
    block_requested BOOLEAN NOT NULL DEFAULT FALSE,
    deprovisioned_on DATE,
    created_at TIMESTAMP NOT NULL,
    CHECK ((state = 'assigned') = (holder_id IS NOT NULL))
);
-- Identifiers are unique across the inventory.
CREATE UNIQUE INDEX equipment_items_imei ON equipment_items (imei) WHERE imei IS NOT NULL;
CREATE UNIQUE INDEX equipment_items_iccid ON equipment_items (iccid) WHERE iccid IS NOT NULL;
CREATE UNIQUE INDEX equipment_items_phone_number ON equipment_items (phone_number) WHERE phone_number IS NOT NULL;
CREATE UNIQUE INDEX equipment_items_mailbox ON equipment_items (mailbox) WHERE mailbox IS NOT NULL;
CREATE UNIQUE INDEX equipment_items_serial ON equipment_items (kind, serial) WHERE serial IS NOT NULL;
-- One item of each kit part per Navigator.
CREATE UNIQUE INDEX equipment_items_holder_part ON equipment_items (holder_id, kit_part) WHERE holder_id IS NOT NULL;
CREATE INDEX equipment_items_state ON equipment_items (kind, state);

-- Every movement with its day and actor: the history the indicators read.
CREATE TABLE equipment_movements (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES equipment_items (id),
    movement TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    day DATE NOT NULL,
    navigator_id TEXT REFERENCES navigators (id),
    actor TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX equipment_movements_item ON equipment_movements (item_id);
CREATE INDEX equipment_movements_navigator ON equipment_movements (navigator_id);

-- A SIM in a device; the open pairing has no end. One open pairing per SIM
-- and per device, whatever the number of servers.
CREATE TABLE sim_pairings (
    id TEXT PRIMARY KEY,
    sim_id TEXT NOT NULL REFERENCES equipment_items (id),
    device_id TEXT NOT NULL REFERENCES equipment_items (id),
    paired_at TIMESTAMP NOT NULL,
    unpaired_at TIMESTAMP
);
CREATE UNIQUE INDEX sim_pairings_open_sim ON sim_pairings (sim_id) WHERE unpaired_at IS NULL;
CREATE UNIQUE INDEX sim_pairings_open_device ON sim_pairings (device_id) WHERE unpaired_at IS NULL;
