"""Every write of the workspaces, one `do_*` function each, one module per feature."""
