"""``python -m policycli`` and the ``policycli`` command.

The command line is imported only when ``main`` runs: worker processes
re-import the main program's module and need none of it (typer, rich).
"""


def main() -> None:
    """Console-script entry point."""
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
