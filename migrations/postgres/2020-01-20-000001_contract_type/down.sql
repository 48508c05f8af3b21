ALTER TABLE contracts DROP COLUMN contract_type;
