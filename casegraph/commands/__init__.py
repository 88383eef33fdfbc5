"""Command groups of the `casegraph` command line, each a thin layer over one library module."""
