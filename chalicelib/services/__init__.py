"""The domain: plain functions and small classes that take what they need as arguments."""
