DROP TABLE cpi_assignments;
