"""lastgate: the last gate before a customer's account is closed."""

__version__ = "0.1.0"
