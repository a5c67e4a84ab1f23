# Shared by scripts/prod-check and scripts/scaleout-check (sourced, not run): the production environment on
# loopback with DEBUG off, and a fresh database with the two roles of docs/deployment.md, migrated and seeded.
# The caller sets PORT, SMS_PORT, DB, OWNER, APP and OUT first.
SUPER="postgres://postgres@127.0.0.1:5432"
TJ=.venv/bin/tiaojie

secret() { .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(48))"; }

stack_postgres_up() {
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        pg_ctlcluster --skip-systemctl-redirect 15 main start
        pg_isready -q -h 127.0.0.1 -p 5432 -t 30 || { echo "$0: no PostgreSQL on 127.0.0.1:5432" >&2; exit 1; }
    fi
}

stack_env() {
    export DEBUG=0
    export SECRET_KEY="$(secret)" AUDIT_CHAIN_KEY="$(secret)"
    export FIELD_ENCRYPTION_KEY="$(.venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
    export ALLOWED_HOSTS=127.0.0.1,localhost PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
    # Plain HTTP on loopback stands in for nginx's TLS here; in production these stay on (docs/deployment.md).
    export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 LANGUAGE_COOKIE_SECURE=0
    export TIAOJIE_VAR_DIR="$PWD/$OUT/var" PRIVATE_MEDIA_ROOT="$PWD/$OUT/var/private"
    export DATABASE_URL="$SUPER/$DB" MIGRATE_DATABASE_URL=""
    export SMS_BACKEND=tiaojie.lib.sms_http.HttpSmsBackend SMS_GATEWAY_URL="http://127.0.0.1:$SMS_PORT/sms/send"
    export SMS_GATEWAY_KEY_ID=prodcheck SMS_GATEWAY_SECRET="$(secret)" SMS_GATEWAY_SIGN_NAME=生产检查 SMS_GATEWAY_TEMPLATES=default=SMS_0001
    export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$PWD/$OUT/mail"
    export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 HEALTH_MIN_FREE_BYTES=0
    export NOTIFICATION_SWEEP_GRACE_SECONDS=5
}

stack_database() {
    psql -q -X "$SUPER/postgres" -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    # The roles first (the database is empty), then the migrations as the owner, then the grants on what they made.
    SUPERUSER_URL="$SUPER/$DB" scripts/pg-roles --owner "$OWNER" --app "$APP" >"$OUT/pg-roles.log"
    DATABASE_URL="postgres://$APP@127.0.0.1:5432/$DB" MIGRATE_DATABASE_URL="postgres://$OWNER@127.0.0.1:5432/$DB" \
        $TJ migrate --no-input -v0
    SUPERUSER_URL="$SUPER/$DB" scripts/pg-roles --owner "$OWNER" --app "$APP" >>"$OUT/pg-roles.log"
    export DATABASE_URL="postgres://$APP@127.0.0.1:5432/$DB"   # everything from here runs as the app role
    $TJ collectstatic --no-input -v0
    $TJ check --deploy --fail-level ERROR >"$OUT/check-deploy.log" 2>&1 || { cat "$OUT/check-deploy.log"; exit 1; }
    DJANGO_SETTINGS_MODULE=tiaojie.settings .venv/bin/python scripts/prodcheck/seed.py >"$OUT/seed.json"
}

stack_sms_gateway() {
    exec .venv/bin/python -m tiaojie.lib.sms_fake_gateway --port "$SMS_PORT" --key-id prodcheck --secret="$SMS_GATEWAY_SECRET" \
        --log "$OUT/sms.jsonl" --requests-log "$OUT/sms-requests.jsonl" >"$OUT/sms-gateway.log" 2>&1
}
