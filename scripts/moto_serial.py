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

import copy as _copy
import types

import moto.dynamodb.models as _ddb_models
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

# moto backs up a transaction by deep-copying the whole table (with its stream) once per item of
# the transaction: 100 full copies for each TransactWriteItems, which grows without bound as the
# table and its stream fill up (a 1,500-row import test drove it past 24 GB). Here the backup is
# the items the transaction touches, taken once; a cancelled transaction puts exactly those back.
# (Stream records of the undone writes stay behind; their items no longer exist, so readers that
# re-check the table, as the mailer does, ignore them.)
_original_transact = _ddb_models.DynamoDBBackend.transact_write_items


class _NoTableCopy:
    copy = staticmethod(_copy.copy)

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, Table):
            return value  # the rollback below restores items instead
        return _copy.deepcopy(value, memo)


def _touched(backend, transact_items):
    touched = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        key = op.get("Key") or op.get("Item")
        if table is None or key is None or table.hash_key_attr not in key:
            continue
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr and table.range_key_attr in key else None
        try:
            item = table.get_item(hash_key, range_key)
        except Exception:
            item = None
        touched.append((table, hash_key, range_key, _copy.deepcopy(item)))
    return touched


def _restore(touched):
    for table, hash_key, range_key, item in reversed(touched):
        if range_key is not None:
            if item is None:
                table.items.get(hash_key, {}).pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        elif item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item


def _transact_write_items(self, transact_items):
    touched = _touched(self, transact_items)
    _ddb_models.copy = _NoTableCopy
    try:
        return _original_transact(self, transact_items)
    except Exception:
        _restore(touched)
        raise
    finally:
        _ddb_models.copy = _copy


_ddb_models.DynamoDBBackend.transact_write_items = _transact_write_items

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialised(environ, start_response):
    # The whole response is produced inside the lock: moto does its work lazily in some handlers.
    with lock:
        return list(app(environ, start_response))


run_simple(args.host, args.port, serialised, threaded=True, request_handler=MotoRequestHandler)
