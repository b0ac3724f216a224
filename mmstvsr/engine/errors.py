"""Errors that training raises for the tools to print as one line."""


class NonFiniteTrainingError(RuntimeError):
    """Training produced a non-finite loss or weights; the message says where and what to do."""
