"""A bare Flask application with one endpoint: the yardstick for request throughput."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
