"""awaitfix: find and fix Python code that awaits a synchronous function.

The wheel installs the `awaitfix` program (a compiled binary) beside this package; `python -m awaitfix ARGS`
runs it with ARGS. `find_awaitfix_bin()` gives its path, for tools that run it themselves.
"""

import os
import sys
import sysconfig

__all__ = ["find_awaitfix_bin"]


def _script_dirs():
    """The folders an installer puts this distribution's scripts in, most likely first."""
    # The running environment (a virtualenv, the system's or a --prefix installation of this interpreter).
    yield sysconfig.get_path("scripts")
    # `pip install --user`.
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    else:
        user_scheme = "nt_user" if os.name == "nt" else "posix_user"
    yield sysconfig.get_path("scripts", scheme=user_scheme)
    # `pip install --target DIR`: the package lands in DIR, the scripts in DIR/bin.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yield os.path.join(package_root, "Scripts" if os.name == "nt" else "bin")


def find_awaitfix_bin():
    """The path of the installed `awaitfix` executable; FileNotFoundError naming the folders searched."""
    name = "awaitfix" + (sysconfig.get_config_var("EXE") or "")
    searched = []
    for folder in _script_dirs():
        if folder in searched:
            continue
        searched.append(folder)
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise FileNotFoundError(f"the awaitfix executable is not installed in {', '.join(searched)}")
