"""gunicorn settings read from the project folder: access log on stdout, without tokens or
query strings (eventapp/logs.py)."""

accesslog = "-"
logger_class = "eventapp.logs.RedactingGunicornLogger"
