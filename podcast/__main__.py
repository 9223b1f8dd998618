"""`podcast` and `python -m podcast`: the command line, with Ctrl-C one line from the start."""

import sys


def main() -> None:
    """Run the `podcast` command. Importing click and the commands takes a tenth of a second, in
    which Ctrl-C would otherwise print a traceback; from then on the command handles it itself."""
    try:
        from podcast.cli import cli
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: nothing was done.\n")
        sys.exit(130)
    cli(prog_name="podcast")


if __name__ == "__main__":
    main()
