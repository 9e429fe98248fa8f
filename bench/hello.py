"""Flask's hello world: the yardstick bench_throughput measures pages against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
