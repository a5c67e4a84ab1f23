"""The top of the project: what needs every app at once. Today that is the `tiaojie demo` command, which
builds demo data through every app's actions (tiaojie/demo.py); a lower app may not import it."""
