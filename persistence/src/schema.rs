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

diesel::joinable!(provinces -> regions (region_code));
diesel::joinable!(conventions -> regions (region_code));
diesel::joinable!(user_regions -> users (user_id));
diesel::joinable!(training_buckets -> training_paths (path_id));
diesel::joinable!(training_modules -> training_paths (path_id));

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
    mail_outbox,
    audit_log,
);
