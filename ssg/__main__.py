"""`python -m ssg` runs the command line."""

from ssg.cli import main

main()
