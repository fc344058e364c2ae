"""Runs an oracle package's call paths, each in its own event loop, and prints one line per path.

`ok NAME VALUE` when the path returned what it should, `fail NAME ...` otherwise (the exception's type and
message, or the wrong value). A path is `(name, coroutine function, expected value)`.
"""
import asyncio
import gc
import sys


def run(paths):
    for name, function, expected in paths:
        try:
            value = asyncio.run(function())
        except BaseException as error:  # noqa: BLE001 - every failure is a line of the report
            inner = getattr(error, "exceptions", ())  # an exception group: what it holds
            detail = "".join(f" [{type(e).__name__}: {e}]" for e in inner)
            print(f"fail {name} {type(error).__name__}: {error}{detail}")
            continue
        finally:
            gc.collect()
        if value == expected:
            print(f"ok {name} {value!r}")
        else:
            print(f"fail {name} wrong value {value!r}, expected {expected!r}")
    sys.stdout.flush()
