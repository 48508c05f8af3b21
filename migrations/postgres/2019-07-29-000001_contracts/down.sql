DROP TABLE offboardings;
DROP TABLE contract_extensions;
DROP TABLE contract_suspensions;
DROP TABLE contracts;
DROP TABLE navigators;
