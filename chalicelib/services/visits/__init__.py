"""The visit log: registration and passes, buildings and entrances, check-in and out, exposure
incidents and the notices they send."""
