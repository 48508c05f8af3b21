-- Experts cannot exist under the older rule; their accounts go with it.
DELETE FROM refresh_tokens WHERE user_id IN (SELECT id FROM users WHERE role = 'expert');
DELETE FROM one_time_tokens WHERE user_id IN (SELECT id FROM users WHERE role = 'expert');
DELETE FROM user_regions WHERE user_id IN (SELECT id FROM users WHERE role = 'expert');
DELETE FROM users WHERE role = 'expert';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('navigator', 'coordinator', 'trainer', 'hr', 'admin'));
