//! One portable schema for both engines (see migrations/postgres and migrations/sqlite).

diesel::table! {
    regions (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    provinces (istat_code) {
        istat_code -> Text,
        sigla -> Text,
        name -> Text,
        region_code -> Text,
    }
}

diesel::table! {
    reference_posts (region_code, province_sigla) {
        region_code -> Text,
        province_sigla -> Text,
        posts -> BigInt,
    }
}

diesel::table! {
    conventions (region_code) {
        region_code -> Text,
        mode -> Text,
        signed_on -> Date,
        valid_until -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cpis (code) {
        code -> Text,
        name -> Text,
        province_sigla -> Text,
        address -> Nullable<Text>,
        capacity -> Nullable<BigInt>,
        demo -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_paths (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        total_hours -> BigInt,
        final_assessment_required -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_buckets (path_id, kind) {
        path_id -> Text,
        kind -> Text,
        share_percent -> BigInt,
        hours -> BigInt,
    }
}

diesel::table! {
    training_modules (id) {
        id -> Text,
        path_id -> Text,
        code -> Text,
        title -> Text,
        hours -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        navigator_id -> Nullable<Text>,
        active -> Bool,
        disabled_from -> Nullable<Date>,
        created_at -> Timestamp,
        password_changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_regions (user_id, region_code) {
        user_id -> Text,
        region_code -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    console_sessions (family_id) {
        family_id -> Text,
        user_id -> Text,
        signed_in_at -> Timestamp,
        last_seen_at -> Timestamp,
        single_sign_on -> Bool,
    }
}

diesel::table! {
    sso_attempts (state_digest) {
        state_digest -> Text,
        nonce -> Text,
        verifier -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    totp_factors (user_id) {
        user_id -> Text,
        secret -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    totp_recovery_codes (id) {
        id -> Text,
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    revoked_sessions (family_id) {
        family_id -> Text,
        revoked_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (throttle_key) {
        throttle_key -> Text,
        failures -> BigInt,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        message_id -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        kind -> Text,
        created_at -> Timestamp,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    selections (id) {
        id -> Text,
        code -> Text,
        title -> Text,
        published_on -> Date,
        questions -> BigInt,
        pass_mark -> BigInt,
        wrong_penalty_hundredths -> BigInt,
        admission_multiplier -> BigInt,
        offer_days -> BigInt,
        ranking_valid_months -> BigInt,
        annual_pay_cents -> BigInt,
        monthly_expenses_cents -> BigInt,
        contract_end -> Date,
        decline_is_final -> Bool,
        admission_done_at -> Nullable<Timestamp>,
        rankings_published_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    selection_posts (selection_id, province_sigla) {
        selection_id -> Text,
        province_sigla -> Text,
        posts -> BigInt,
        filled -> BigInt,
        pending -> BigInt,
    }
}

diesel::table! {
    selection_neighbours (selection_id, province_sigla, neighbour_sigla) {
        selection_id -> Text,
        province_sigla -> Text,
        neighbour_sigla -> Text,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        selection_id -> Text,
        application_no -> Text,
        codice_fiscale -> Text,
        first_name -> Text,
        last_name -> Text,
        birth_date -> Date,
        email -> Text,
        phone -> Nullable<Text>,
        province_sigla -> Text,
        degree_class -> Text,
        degree_grade -> BigInt,
        degree_honours -> Bool,
        admitted -> Bool,
        answers_right -> Nullable<BigInt>,
        answers_wrong -> Nullable<BigInt>,
        answers_blank -> Nullable<BigInt>,
        score_hundredths -> Nullable<BigInt>,
        state -> Text,
        state_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rankings (id) {
        id -> Text,
        selection_id -> Text,
        province_sigla -> Text,
        version -> BigInt,
        published_on -> Date,
        valid_until -> Date,
        posts -> BigInt,
        reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ranking_entries (ranking_id, position) {
        ranking_id -> Text,
        position -> BigInt,
        application_id -> Text,
        score_hundredths -> BigInt,
        degree_grade -> BigInt,
        degree_honours -> Bool,
        birth_date -> Date,
        status -> Text,
        decided_by -> Text,
    }
}

diesel::table! {
    offers (id) {
        id -> Text,
        selection_id -> Text,
        application_id -> Text,
        province_sigla -> Text,
        status -> Text,
        deadline -> Timestamp,
        token_hash -> Text,
        token_used_at -> Nullable<Timestamp>,
        fallback -> Bool,
        reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        outcome_reason -> Nullable<Text>,
        called_on -> Nullable<Date>,
        decided_on -> Nullable<Date>,
    }
}

diesel::table! {
    navigators (id) {
        id -> Text,
        application_id -> Text,
        selection_id -> Text,
        codice_fiscale -> Text,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        province_sigla -> Text,
        region_code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contracts (id) {
        id -> Text,
        navigator_id -> Text,
        offer_id -> Text,
        selection_id -> Text,
        province_sigla -> Text,
        region_code -> Text,
        requirements_verified_at -> Timestamp,
        signed_on -> Nullable<Date>,
        start_date -> Nullable<Date>,
        end_date -> Date,
        annual_pay_cents -> BigInt,
        monthly_expenses_cents -> BigInt,
        end_cause -> Nullable<Text>,
        end_effective_on -> Nullable<Date>,
        end_submitted_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        seat_released_on -> Nullable<Date>,
        created_at -> Timestamp,
        contract_type -> Text,
        cancelled_on -> Nullable<Date>,
        cancellation_reason -> Nullable<Text>,
    }
}

diesel::table! {
    contract_suspensions (id) {
        id -> Text,
        contract_id -> Text,
        from_day -> Date,
        to_day -> Date,
        reason -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contract_extensions (id) {
        id -> Text,
        contract_id -> Text,
        previous_end -> Date,
        new_end -> Date,
        reason -> Text,
        batch_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    offboardings (id) {
        id -> Text,
        contract_id -> Text,
        navigator_id -> Text,
        ended_on -> Date,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    cpi_assignments (id) {
        id -> Text,
        navigator_id -> Text,
        cpi_code -> Text,
        region_code -> Text,
        from_day -> Date,
        to_day -> Nullable<Date>,
        closed_by -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    selection_training_paths (selection_id) {
        selection_id -> Text,
        path_id -> Text,
    }
}

diesel::table! {
    classroom_sessions (id) {
        id -> Text,
        day -> Date,
        minutes -> BigInt,
        place -> Text,
        trainer -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    classroom_attendance (id) {
        id -> Text,
        session_id -> Text,
        navigator_id -> Text,
        minutes -> BigInt,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    distance_completions (id) {
        id -> Text,
        navigator_id -> Text,
        module_id -> Text,
        completed_on -> Date,
        test_passed -> Bool,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    ojt_logs (id) {
        id -> Text,
        navigator_id -> Text,
        client_id -> Text,
        day -> Date,
        minutes -> BigInt,
        activity -> Text,
        cpi_code -> Nullable<Text>,
        region_code -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mandatory_training (id) {
        id -> Text,
        navigator_id -> Text,
        item -> Text,
        completed_on -> Date,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_progress (navigator_id) {
        navigator_id -> Text,
        body -> Text,
        etag -> Text,
        classroom_filled_on -> Nullable<Date>,
        distance_filled_on -> Nullable<Date>,
        on_the_job_filled_on -> Nullable<Date>,
        completed_on -> Nullable<Date>,
        updated_at -> Timestamp,
        body_version -> Integer,
    }
}

diesel::table! {
    equipment_items (id) {
        id -> Text,
        kind -> Text,
        kit_part -> Text,
        model -> Nullable<Text>,
        serial -> Nullable<Text>,
        imei -> Nullable<Text>,
        iccid -> Nullable<Text>,
        phone_number -> Nullable<Text>,
        plan -> Nullable<Text>,
        mailbox -> Nullable<Text>,
        batch -> Nullable<Text>,
        state -> Text,
        holder_id -> Nullable<Text>,
        assigned_on -> Nullable<Date>,
        acknowledged_at -> Nullable<Timestamp>,
        return_condition -> Nullable<Text>,
        wiped -> Nullable<Bool>,
        reported_on -> Nullable<Date>,
        block_requested -> Bool,
        deprovisioned_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    equipment_movements (id) {
        id -> Text,
        item_id -> Text,
        movement -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        day -> Date,
        navigator_id -> Nullable<Text>,
        actor -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    sim_pairings (id) {
        id -> Text,
        sim_id -> Text,
        device_id -> Text,
        paired_at -> Timestamp,
        unpaired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (caller_id, idempotency_key) {
        caller_id -> Text,
        idempotency_key -> Text,
        fingerprint -> Text,
        created_at -> Timestamp,
        status -> Nullable<BigInt>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    question_topics (code) {
        code -> Text,
        label_it -> Text,
        label_en -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    questions (id) {
        id -> Text,
        author_id -> Text,
        topic -> Text,
        text -> Text,
        status -> Text,
        taken_by -> Nullable<Text>,
        taken_at -> Nullable<Timestamp>,
        awaiting_detail -> Bool,
        first_answered_at -> Nullable<Timestamp>,
        settled_at -> Nullable<Timestamp>,
        merged_into -> Nullable<Text>,
        unread_by_author -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    question_messages (id) {
        id -> Text,
        question_id -> Text,
        author_id -> Text,
        kind -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    question_service_uses (user_id, day) {
        user_id -> Text,
        day -> Date,
    }
}

diesel::joinable!(provinces -> regions (region_code));
diesel::joinable!(conventions -> regions (region_code));
diesel::joinable!(user_regions -> users (user_id));
diesel::joinable!(training_buckets -> training_paths (path_id));
diesel::joinable!(training_modules -> training_paths (path_id));
diesel::joinable!(selection_posts -> selections (selection_id));
diesel::joinable!(applications -> selections (selection_id));
diesel::joinable!(ranking_entries -> rankings (ranking_id));
diesel::joinable!(ranking_entries -> applications (application_id));
diesel::joinable!(offers -> applications (application_id));
diesel::joinable!(contracts -> navigators (navigator_id));
diesel::joinable!(contract_suspensions -> contracts (contract_id));
diesel::joinable!(contract_extensions -> contracts (contract_id));
diesel::joinable!(offboardings -> contracts (contract_id));
diesel::joinable!(cpi_assignments -> cpis (cpi_code));
diesel::joinable!(classroom_attendance -> classroom_sessions (session_id));
diesel::joinable!(distance_completions -> training_modules (module_id));

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    provinces,
    reference_posts,
    conventions,
    cpis,
    training_paths,
    training_buckets,
    training_modules,
    users,
    user_regions,
    refresh_tokens,
    one_time_tokens,
    login_failures,
    revoked_sessions,
    console_sessions,
    sso_attempts,
    totp_factors,
    totp_recovery_codes,
    mail_outbox,
    idempotency_keys,
    audit_log,
    selections,
    selection_posts,
    selection_neighbours,
    applications,
    rankings,
    ranking_entries,
    offers,
    navigators,
    contracts,
    contract_suspensions,
    contract_extensions,
    offboardings,
    cpi_assignments,
    selection_training_paths,
    classroom_sessions,
    classroom_attendance,
    distance_completions,
    ojt_logs,
    mandatory_training,
    training_progress,
    equipment_items,
    equipment_movements,
    sim_pairings,
    question_topics,
    questions,
    question_messages,
    question_service_uses,
);

diesel::table! {
    faq_entries (id) {
        id -> Text,
        topic -> Text,
        title -> Text,
        answer -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        updated_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        retired_by -> Nullable<Text>,
        search_length -> BigInt,
    }
}

diesel::table! {
    faq_versions (entry_id, version) {
        entry_id -> Text,
        version -> BigInt,
        topic -> Text,
        title -> Text,
        answer -> Text,
        written_at -> Timestamp,
        written_by -> Nullable<Text>,
    }
}

diesel::table! {
    faq_questions (entry_id, question_id) {
        entry_id -> Text,
        question_id -> Text,
        linked_at -> Timestamp,
    }
}

diesel::table! {
    faq_terms (term, entry_id) {
        term -> Text,
        entry_id -> Text,
        topic -> Text,
        weight -> BigInt,
        entry_length -> BigInt,
    }
}

diesel::table! {
    faq_topic_totals (topic) {
        topic -> Text,
        entries -> BigInt,
        total_length -> BigInt,
    }
}

diesel::table! {
    faq_words (word) {
        word -> Text,
        term -> Text,
        entries -> BigInt,
    }
}

diesel::table! {
    faq_index_generation (id) {
        id -> Integer,
        generation -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(faq_entries, faq_versions, faq_questions, faq_terms);

diesel::table! {
    erasures (subject, subject_id) {
        subject -> Text,
        subject_id -> Text,
        pseudonym -> Text,
        category -> Text,
        erased_on -> Date,
    }
}

diesel::table! {
    retention_lease (name) {
        name -> Text,
        started_at -> Timestamp,
    }
}
