"""Modules awaiting the sync factory whose import of its name other modules rely on (by name, as an
attribute, inside a function, through `__all__`): in async mode the fix must keep that name bound."""
# broken: hub_connect listed_connect
import oracle
from by_attribute import make_by_attribute
from by_name import make_by_name
from from_listed import make_from_listed
from hub import connect
from in_function import make_in_function
from listed import connect_listed


async def hub_connect():
    return await connect("hub_connect")


async def listed_connect():
    return await connect_listed("listed_connect")


async def by_name():
    return make_by_name("by_name")


async def by_attribute():
    return make_by_attribute("by_attribute")


async def in_function():
    return make_in_function("in_function")


async def from_listed():
    return make_from_listed("from_listed")


PATHS = [
    ("hub_connect", hub_connect, "hub_connect"),
    ("listed_connect", listed_connect, "listed_connect"),
    ("by_name", by_name, "by_name"),
    ("by_attribute", by_attribute, "by_attribute"),
    ("in_function", in_function, "in_function"),
    ("from_listed", from_listed, "from_listed"),
]

if __name__ == "__main__":
    oracle.run(PATHS)
