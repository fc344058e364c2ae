"""The one piece of pytest the oracle packages use, so that they need only the standard library."""
import contextlib


class RaisesInfo:
    value = None


@contextlib.contextmanager
def raises(expected):
    info = RaisesInfo()
    try:
        yield info
    except expected as error:
        info.value = error
    else:
        raise AssertionError(f"DID NOT RAISE {expected}")
