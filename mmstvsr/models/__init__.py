from .archs import *  # noqa: F401,F403
from .base_models import *  # noqa: F401,F403
from .editors import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
