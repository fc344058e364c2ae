"""The sync factory read from modules of the tree that do not export its async twin. In async mode the fix
must not import or read the twin from them (ImportError, AttributeError, NameError): it drops the `await`."""
# broken: imported_from_package attribute_of_package star_without_twin
import chan
import oracle
from chan import get_websocket_manager
from star_user import star_without_twin


async def imported_from_package():
    return (await get_websocket_manager("imported_from_package")).ctx


async def attribute_of_package():
    return (await chan.get_websocket_manager("attribute_of_package")).ctx


PATHS = [
    ("imported_from_package", imported_from_package, "imported_from_package"),
    ("attribute_of_package", attribute_of_package, "attribute_of_package"),
    ("star_without_twin", star_without_twin, "star_without_twin"),
]

if __name__ == "__main__":
    oracle.run(PATHS)
