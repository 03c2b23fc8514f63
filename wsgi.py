"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from werkzeug.middleware.proxy_fix import ProxyFix

from planner import create_app

app = create_app()
if app.config.get("TRUSTED_PROXIES"):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
