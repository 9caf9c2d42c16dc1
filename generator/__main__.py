"""`python -m generator`: the same as the `klausul` command."""

from generator.cli import main

main()
