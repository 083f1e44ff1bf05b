-- Inventory: vendors, locations, nodes, links and the change log.
-- Portable SQL: the same statements run on SQLite and PostgreSQL. Timestamps are
-- RFC 3339 UTC text with fixed microsecond precision (sorts lexically), JSON
-- values are text.
CREATE TABLE vendors (
    name         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE locations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    parent_id   TEXT REFERENCES locations(id),
    path        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    lifecycle   TEXT NOT NULL,
    custom_data TEXT NOT NULL DEFAULT '{}',
    tags        TEXT NOT NULL DEFAULT '[]',
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX locations_sibling_name ON locations (COALESCE(parent_id, ''), name);

CREATE TABLE nodes (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    domain           TEXT NOT NULL DEFAULT '',
    fqdn             TEXT NOT NULL UNIQUE,
    vendor           TEXT NOT NULL REFERENCES vendors(name),
    model            TEXT NOT NULL DEFAULT '',
    role             TEXT NOT NULL DEFAULT '',
    device_type      TEXT NOT NULL DEFAULT '',
    platform         TEXT NOT NULL DEFAULT '',
    mgmt_ip          TEXT NOT NULL DEFAULT '',
    software_version TEXT NOT NULL DEFAULT '',
    serial_number    TEXT NOT NULL DEFAULT '',
    asset_tag        TEXT NOT NULL DEFAULT '',
    location_id      TEXT REFERENCES locations(id),
    lifecycle        TEXT NOT NULL,
    environment      TEXT NOT NULL,
    snmp_profile     TEXT NOT NULL DEFAULT '',
    custom_data      TEXT NOT NULL DEFAULT '{}',
    tags             TEXT NOT NULL DEFAULT '[]',
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (name, domain)
);
CREATE INDEX nodes_location ON nodes (location_id);
CREATE INDEX nodes_vendor ON nodes (vendor);

CREATE TABLE links (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL DEFAULT '',
    a_node_id     TEXT NOT NULL REFERENCES nodes(id),
    a_interface   TEXT NOT NULL,
    z_node_id     TEXT REFERENCES nodes(id),
    z_interface   TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    bandwidth_bps BIGINT NOT NULL DEFAULT 0,
    circuit_id    TEXT NOT NULL DEFAULT '',
    provider      TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    lifecycle     TEXT NOT NULL,
    custom_data   TEXT NOT NULL DEFAULT '{}',
    tags          TEXT NOT NULL DEFAULT '[]',
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX links_name ON links (name) WHERE name <> '';
CREATE INDEX links_a_node ON links (a_node_id);
CREATE INDEX links_z_node ON links (z_node_id);

-- One row per link end: the primary key makes "an interface used by two links"
-- impossible at the database level.
CREATE TABLE link_endpoints (
    node_id   TEXT NOT NULL REFERENCES nodes(id),
    iface_key TEXT NOT NULL,
    link_id   TEXT NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    PRIMARY KEY (node_id, iface_key)
);
CREATE INDEX link_endpoints_link ON link_endpoints (link_id);

CREATE TABLE changes (
    id          TEXT PRIMARY KEY,
    time        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    object_name TEXT NOT NULL,
    op          TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    batch       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX changes_object ON changes (object_kind, object_id);
CREATE INDEX changes_time ON changes (time);

INSERT INTO vendors (name, display_name, created_at) VALUES
    ('arista', 'Arista Networks', '1970-01-01T00:00:00.000000Z'),
    ('cisco', 'Cisco Systems', '1970-01-01T00:00:00.000000Z'),
    ('fortinet', 'Fortinet', '1970-01-01T00:00:00.000000Z'),
    ('generic', 'Generic', '1970-01-01T00:00:00.000000Z'),
    ('hpe', 'Hewlett Packard Enterprise', '1970-01-01T00:00:00.000000Z'),
    ('juniper', 'Juniper Networks', '1970-01-01T00:00:00.000000Z'),
    ('nokia', 'Nokia', '1970-01-01T00:00:00.000000Z'),
    ('paloalto', 'Palo Alto Networks', '1970-01-01T00:00:00.000000Z');
