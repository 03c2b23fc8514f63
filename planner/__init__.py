"""The application factory: a table of contents of what the application is made of."""
from __future__ import annotations

from flask import Flask

from config import Config, config_from_environment


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    config_class = config_class or config_from_environment()
    app.config.from_object(config_class)
    app.config.update(config_class.prepare())
    app.config.update(overrides)

    from planner import cli, errors, web

    web.register_extensions(app)
    web.register_blueprints(app)
    errors.register_errorhandlers(app)
    web.register_template_helpers(app)
    web.configure_logging(app)
    cli.register_commands(app)
    return app
