DROP INDEX ojt_logs_cpi_status_day;
