from .errors import NonFiniteTrainingError
from .hooks import *  # noqa: F401,F403

__all__ = ['NonFiniteTrainingError']
