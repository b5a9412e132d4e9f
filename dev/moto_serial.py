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

# Every invitation an import writes is an UpdateItem inside a TransactWriteItems, with a
# 24-action update expression, and moto spent about 13 ms of CPU on each: 1.3 s per 100-item
# transaction, under 80 rows/s (py-spy: 90% of it in update-expression handling; the table's
# size hardly matters, ~1.3 s per transaction at 1,000 items and ~1.5 s at 20,000). moto parses
# the same expression text three times per item, deep-copies the syntax tree for each validation
# (two per new item: before and after it is created), runs two validators (action counts,
# overlapping paths) that look only at the expression and the attribute names, never at the item
# or the values, and rebuilds each validator's processing map at every node it visits.
# Here the parse is kept per expression text (the tree is only read: validation works on a copy),
# the copy is unpickled from a pickle of the tree taken once (the same copy, six times faster
# than deepcopy), those two validators are skipped for a tree and names that passed them before,
# and the processing map's keys are read once per validator: 0.42 s per transaction instead of
# 1.3 s, with the same items and stream records afterwards (compared on a replayed import).
# Everything that depends on the item or the values runs as before: conditions, if_not_exists,
# type and key checks, the writes and their stream records. An expression that fails validation
# is never remembered, so it fails every time.
import pickle as _pickle

from moto.dynamodb.parsing import ast_nodes as _ast_nodes
from moto.dynamodb.parsing import validators as _validators
from moto.dynamodb.parsing.expressions import UpdateExpressionParser as _UpdateParser

_original_make = _UpdateParser.make.__func__
_original_deepcopy = _validators.deepcopy
_original_validator_init = _validators.Validator.__init__
_original_validate = _validators.Validator.validate
_ITEM_INDEPENDENT = (_validators.ActionCountValidator, _validators.OverlappingPathsValidator)
_trees = {}  # expression text -> its tree (kept alive, so the ids below stay theirs)
_pickles = {}  # id of a kept tree -> the tree pickled
_structure_ok = set()  # (id of a kept tree, attribute names) that passed the two validators


def _make(cls, expression_str):
    if cls is not _UpdateParser or not isinstance(expression_str, str):
        return _original_make(cls, expression_str)
    tree = _trees.get(expression_str)
    if tree is None:
        tree = _original_make(cls, expression_str)  # raises on a bad expression, every time
        if len(_trees) >= 10_000:
            _trees.clear(), _pickles.clear(), _structure_ok.clear()
        _trees[expression_str] = tree
        _pickles[id(tree)] = _pickle.dumps(tree, _pickle.HIGHEST_PROTOCOL)
    return tree


def _copy_tree(value, memo=None):
    pickled = _pickles.get(id(value)) if memo is None else None
    return _original_deepcopy(value, memo) if pickled is None else _pickle.loads(pickled)


def _validator_init(self, expression, expression_attribute_names, *args, **kwargs):
    _original_validator_init(self, expression, expression_attribute_names, *args, **kwargs)
    self._structure_key = None
    if id(expression) in _pickles and isinstance(self, _validators.UpdateExpressionValidator):
        key = (id(expression), tuple(sorted((expression_attribute_names or {}).items())))
        if key in _structure_ok:
            self.processors = [p for p in self.processors if not isinstance(p, _ITEM_INDEPENDENT)]
        else:
            self._structure_key = key


def _validate(self):
    node = _original_validate(self)
    if getattr(self, "_structure_key", None) is not None:
        _structure_ok.add(self._structure_key)
    return node


def _nodes_to_be_processed(self):
    # moto rebuilds the processing map (a dict of bound methods) at every node of every
    # traversal just to read its keys, which are fixed per processor class: read them once.
    types = self.__dict__.get("_node_types")
    if types is None:
        types = self.__dict__["_node_types"] = tuple(self._processing_map().keys())
    return types


_UpdateParser.make = classmethod(_make)
_ast_nodes.DepthFirstTraverser.nodes_to_be_processed = _nodes_to_be_processed
_validators.deepcopy = _copy_tree
_validators.Validator.__init__ = _validator_init
_validators.Validator.validate = _validate

# CloudFormation for the template's resource types moto skips (scripts/rehearse.py creates the
# whole translated template on this server).
import moto_cfn_handlers  # noqa: E402,F401

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialised(environ, start_response):
    # The whole response is produced inside the lock: moto does its work lazily in some handlers.
    with lock:
        return list(app(environ, start_response))


run_simple(args.host, args.port, serialised, threaded=True, request_handler=MotoRequestHandler)
