DROP TABLE sim_pairings;
DROP TABLE equipment_movements;
DROP TABLE equipment_items;
