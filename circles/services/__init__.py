"""Use cases: each opens one unit of work, changes the model, commits, and returns data."""
