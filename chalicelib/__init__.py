"""Dimotis: what ships in the Lambda package."""
