"""Sub-commands of `caeser`, one module each."""
