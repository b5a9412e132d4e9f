"""moto server with each request applied atomically.

moto's own server runs requests on threads with no lock, so two TransactWriteItems calls that
arrive together can both pass their conditions (seen here under a revoke/enrol race). DynamoDB
never does that. This launcher serves the same moto app, but one request at a time, which is the
consistency the code under test relies on. Usage: python moto_serial.py [-H HOST] -p PORT
"""

import argparse
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

parser = argparse.ArgumentParser()
parser.add_argument("-H", "--host", default="127.0.0.1")
parser.add_argument("-p", "--port", type=int, required=True)
args = parser.parse_args()

import os

os.environ.setdefault("MOTO_PORT", str(args.port))

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialised(environ, start_response):
    # The whole response is produced inside the lock: moto does its work lazily in some handlers.
    with lock:
        return list(app(environ, start_response))


run_simple(args.host, args.port, serialised, threaded=True, request_handler=MotoRequestHandler)
