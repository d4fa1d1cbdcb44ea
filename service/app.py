"""The Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from swagger_ui_bundle import swagger_ui_path

from service.api import export, extended, health, history, merging, persons, search
from service.api.fields import ReadOnly, Vocabulary
from service.api.problems import ProblemApi, register_domain_errors
from service.api.request_guard import init_request_guard
from service.api.request_logs import RequestIdFilter, init_request_logging
from service.api.security import init_security
from service.backends import Backends
from service.config import Settings
from service.logs import configure_logging
from service.metrics import init_metrics
from service.staff import init_staff


def create_app(settings: Settings | None = None, backends: Backends | None = None) -> Flask:
    """Build the app: settings, then backends, then extensions, then blueprints."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, RequestIdFilter())
    app = Flask(__name__)
    # `/persons/` answers like `/persons` (clients of the original contract add the slash).
    app.url_map.strict_slashes = False
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="Person index",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/static/",
        JSON_SORT_KEYS=False,
    )
    (backends or Backends.connect(settings)).init_app(app)
    init_request_logging(app)
    init_security(app, settings)
    api = ProblemApi(app, spec_kwargs=_spec_kwargs())
    api.ma_plugin.converter.add_attribute_function(_field_docs(settings))
    init_request_guard(app, api, settings.max_json_depth)
    register_domain_errors(app)
    api.register_blueprint(persons.blp)
    api.register_blueprint(merging.blp)
    api.register_blueprint(history.blp)
    api.register_blueprint(extended.blp)
    api.register_blueprint(export.blp)
    api.register_blueprint(search.blp)
    app.register_blueprint(health.blp)
    init_staff(app, settings)
    init_metrics(app)
    # Swagger UI's assets come from the swagger-ui-bundle package, so the docs work offline.
    app.register_blueprint(
        Blueprint(
            "swagger_assets",
            __name__,
            static_folder=swagger_ui_path,
            static_url_path="/api/v1/docs/static",
        )
    )
    return app


def _field_docs(settings: Settings) -> Any:
    """An apispec attribute function for the project's own fields: a Vocabulary's values as this
    app configures them; a ReadOnly field documented as its inner field, marked readOnly."""

    def project_fields(converter: Any, field: Any, **_: Any) -> dict[str, Any]:
        if isinstance(field, Vocabulary):
            return {"enum": list(field.values or getattr(settings, str(field.setting)))}
        if isinstance(field, ReadOnly):
            return {**converter.field2property(field.inner), "readOnly": True, "nullable": True}
        return {}

    return project_fields


def _spec_kwargs() -> dict[str, Any]:
    return {
        "info": {
            "description": (
                "The council's single source of core person data. Errors are "
                "application/problem+json. Every endpoint except health, metrics and these docs "
                "needs a bearer JWT whose groups grant the read, write or admin role; the export "
                "needs the export role, which no other role includes."
            )
        },
        "security": [{"bearerAuth": []}],
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
    }
