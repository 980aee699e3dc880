from .cli import main

# `python -m xltools`. Guarded so that importing this module (as a spawned worker of `summary --jobs`
# may) never runs a command.
if __name__ == "__main__":
    main(prog_name="xltools")
