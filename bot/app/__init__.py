"""The process: the wiring of concrete objects, the runner, the scheduler, the CLI."""
