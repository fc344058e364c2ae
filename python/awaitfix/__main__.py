"""`python -m awaitfix ARGS`: runs the installed `awaitfix` executable with ARGS and exits with its code."""

import os
import sys

from awaitfix import find_awaitfix_bin


def main():
    try:
        program = find_awaitfix_bin()
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args = [program, *sys.argv[1:]]
    if os.name != "nt":
        # Replace this interpreter: signals, stdin and the exit code are the program's own.
        os.execv(program, args)
    import subprocess

    try:
        return subprocess.run(args).returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
