"""Every command, defined once: parse -> service call -> Reply."""
