-- Experts: ANPAL Servizi specialists who answer the Navigators' questions.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('navigator', 'coordinator', 'trainer', 'hr', 'admin', 'expert'));
