-- The neighbours a province's fallback calls from (DOMAIN.md §5.3), set by
-- HR per selection. A province without rows takes the default: every other
-- province of its Region.
CREATE TABLE selection_neighbours (
    selection_id TEXT NOT NULL REFERENCES selections (id),
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    neighbour_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    PRIMARY KEY (selection_id, province_sigla, neighbour_sigla),
    CHECK (neighbour_sigla <> province_sigla)
);
