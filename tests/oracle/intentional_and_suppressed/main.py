"""Sites that must stay as they are: tests asserting the TypeError on purpose (pytest.raises in its forms,
unittest's assertRaises and assertRaisesRegex) and suppressed lines. Each still raises after `apply`, which
is what its path checks. A bare `# noqa` does not silence awaitfix: that site is fixed."""
# broken: bare_noqa
import asyncio
import unittest

import oracle
import pytest
from ws import get_websocket_manager


async def pytest_raises():
    with pytest.raises(TypeError):
        await get_websocket_manager("intent")
    return "raised"


async def pytest_raises_as():
    with pytest.raises(TypeError) as excinfo:
        await get_websocket_manager("intent")
    return type(excinfo.value).__name__


async def pytest_raises_tuple():
    with pytest.raises((TypeError, ValueError)):
        await get_websocket_manager("intent")
    return "raised"


async def pytest_raises_exception():
    with pytest.raises(Exception):
        await get_websocket_manager("intent")
    return "raised"


class FactoryContract(unittest.IsolatedAsyncioTestCase):
    async def test_assert_raises(self):
        with self.assertRaises(TypeError):
            await get_websocket_manager("intent")

    async def test_assert_raises_regex(self):
        with self.assertRaisesRegex(TypeError, "can't be used in 'await' expression"):
            await get_websocket_manager("intent")


def run_contract():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(FactoryContract)
    result = unittest.TextTestRunner(stream=open("/dev/null", "w")).run(suite)
    return (result.testsRun, result.wasSuccessful())


async def unittest_contract():
    return await asyncio.to_thread(run_contract)


async def suppressed():
    try:
        await get_websocket_manager("s")  # awaitfix: ignore
    except TypeError:
        return "still raises"


async def suppressed_code():
    try:
        await get_websocket_manager("s")  # awaitfix: ignore[AWF001]
    except TypeError:
        return "still raises"


async def suppressed_noqa():
    try:
        await get_websocket_manager("s")  # noqa: AWF001
    except TypeError:
        return "still raises"


async def bare_noqa():
    return (await get_websocket_manager("bare")).ctx  # noqa


PATHS = [
    ("pytest_raises", pytest_raises, "raised"),
    ("pytest_raises_as", pytest_raises_as, "TypeError"),
    ("pytest_raises_tuple", pytest_raises_tuple, "raised"),
    ("pytest_raises_exception", pytest_raises_exception, "raised"),
    ("unittest_contract", unittest_contract, (2, True)),
    ("suppressed", suppressed, "still raises"),
    ("suppressed_code", suppressed_code, "still raises"),
    ("suppressed_noqa", suppressed_noqa, "still raises"),
    ("bare_noqa", bare_noqa, "bare"),
]

if __name__ == "__main__":
    oracle.run(PATHS)
