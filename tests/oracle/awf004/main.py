"""AWF004: references the resolver cannot follow are reported for review and left as they are."""
# broken: getattr_lookup import_module_lookup
# review: getattr_lookup 1
# review: import_module_lookup 1
import importlib

import oracle
import ws


async def getattr_lookup():
    return (await getattr(ws, "get_websocket_manager")("getattr")).ctx


async def import_module_lookup():
    return (await importlib.import_module("ws").get_websocket_manager("dynamic")).ctx


PATHS = [
    ("getattr_lookup", getattr_lookup, "getattr"),
    ("import_module_lookup", import_module_lookup, "dynamic"),
]

if __name__ == "__main__":
    oracle.run(PATHS)
