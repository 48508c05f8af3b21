-- The type of the contract (DOMAIN.md §6): a co.co.co. (collaborazione
-- coordinata e continuativa) with ANPAL Servizi, the programme's only one,
-- so every existing contract is one.
ALTER TABLE contracts ADD COLUMN contract_type TEXT NOT NULL DEFAULT 'cococo'
    CHECK (contract_type IN ('cococo'));
