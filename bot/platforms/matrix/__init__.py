"""The Matrix platform: matrix-nio inside `canbot run`'s loop, buttons as numbered reactions."""
