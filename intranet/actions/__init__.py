"""Every write of the core is one function here: validate, save in a transaction, audit, notify."""
