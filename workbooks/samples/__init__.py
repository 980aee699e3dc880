"""Sample inputs that ship with xltools (the default input of every command)."""
