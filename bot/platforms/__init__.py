"""The chat platforms, one package each; ``base`` says what every platform must provide.

No platform imports another, and the commands import none of them (``lint-imports`` holds both).
"""
