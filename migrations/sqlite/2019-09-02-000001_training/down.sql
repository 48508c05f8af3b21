DROP TABLE training_progress;
DROP TABLE mandatory_training;
DROP TABLE ojt_logs;
DROP TABLE distance_completions;
DROP TABLE classroom_attendance;
DROP TABLE classroom_sessions;
DROP TABLE selection_training_paths;
