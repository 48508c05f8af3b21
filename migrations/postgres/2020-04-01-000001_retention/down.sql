DROP TABLE retention_lease;
DROP TABLE erasures;
