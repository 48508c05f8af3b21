DROP INDEX ojt_logs_validated_by_cpi;
