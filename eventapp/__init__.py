"""eventapp: events, registration, attendance and certificates for Diskominfo and KIM."""

from flask import Flask

from config import Config, check_production_settings


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: settings, extensions, features, error pages and commands."""
    app = Flask(__name__, instance_path=str(Config.INSTANCE_DIR))
    app.config.from_object(Config)
    app.config.update(overrides or {})
    check_production_settings(app.config)

    register_extensions(app)
    register_request_edges(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_errors(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from flask_compress import Compress
    from flask_talisman import Talisman

    from eventapp import assets, pagecache
    from eventapp.dbtypes import render_migration_type
    from eventapp.extensions import babel, csrf, db, huey, limiter, login_manager, mail, migrate
    from eventapp.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, render_item=render_migration_type)
    csrf.init_app(app)
    pagecache.init_app(app)
    assets.init_app(app)
    Compress(app)
    babel.init_app(app, locale_selector=select_locale)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    # Talisman keeps its options on itself, so each application gets its own.
    Talisman(
        app,
        force_https=app.config["ENV_NAME"] == "production",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        content_security_policy=app.config["CONTENT_SECURITY_POLICY"],
        referrer_policy="same-origin",
        strict_transport_security_include_subdomains=False,
    )
    huey.immediate = app.config["HUEY_IMMEDIATE"]

    from eventapp.accounts.views import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"


def register_request_edges(app: Flask) -> None:
    from eventapp import edges, logs

    edges.init_app(app)
    logs.init_app()


def register_blueprints(app: Flask) -> None:
    from eventapp.accounts.views import bp as accounts_bp
    from eventapp.accounts.views import messages_bp, organizations_bp, users_bp
    from eventapp.attendance.views import init_app as attendance_init_app
    from eventapp.broadcasts.views import init_app as broadcasts_init_app
    from eventapp.calendar.views import init_app as calendar_init_app
    from eventapp.certificates.views import init_app as certificates_init_app
    from eventapp.events.public_views import bp as public_events_bp
    from eventapp.events.views import bp as events_bp
    from eventapp.kim.views import bp as kim_bp
    from eventapp.outbox.views import bp as outbox_bp
    from eventapp.public.views import bp as public_bp
    from eventapp.questionnaires.views import init_app as questionnaires_init_app
    from eventapp.registration.views import init_app as registration_init_app
    from eventapp.verification.views import init_app as verification_init_app

    for blueprint in (
        public_bp,
        public_events_bp,
        accounts_bp,
        users_bp,
        messages_bp,
        organizations_bp,
        kim_bp,
        events_bp,
        outbox_bp,
    ):
        app.register_blueprint(blueprint)
    # Registration, verification, attendance, certificates and calendar files build on the features above;
    # nothing imports them back, so they register their own pages, template helpers and the
    # receivers of the lower features' signals.
    registration_init_app(app)
    verification_init_app(app)
    questionnaires_init_app(app)
    attendance_init_app(app)
    broadcasts_init_app(app)
    certificates_init_app(app)
    calendar_init_app(app)
    # Importing the jobs modules makes their tasks known to the queue.
    import eventapp.certificates.jobs
    import eventapp.outbox.jobs  # noqa: F401


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from eventapp import i18n, labels
    from eventapp.markdown import render_markdown
    from eventapp.phones import display_phone, mask_phone, whatsapp_url

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        get_locale=get_locale, whatsapp_url=whatsapp_url, vocabulary=labels.vocabulary
    )
    app.jinja_env.filters.update(
        label=labels.label,
        dict_without=lambda args, *keys: {k: v for k, v in args.items() if k not in keys},
        date=i18n.format_date,
        short_date=i18n.format_short_date,
        figure=i18n.format_figure,
        datetime=i18n.format_datetime,
        span=lambda session, tz_name: i18n.format_span(session.starts_at, session.ends_at, tz_name),
        days=lambda event: i18n.format_days(*event.local_days),
        hours=lambda session, tz_name: i18n.format_hours(session.starts_at, session.ends_at, tz_name),
        phone=display_phone,
        masked_phone=mask_phone,
        markdown=render_markdown,
        time=i18n.format_time,
        all_zones=i18n.format_time_in_all_zones,
        zone=i18n.zone_label,
    )


def register_errors(app: Flask) -> None:
    from eventapp.errors import register_error_pages

    register_error_pages(app)


def register_commands(app: Flask) -> None:
    from eventapp.cli import register

    register(app)
