"""lossutils: an executable reference for PyTorch's loss functions, and the course's helpers.

The losses have the names, signatures, defaults and semantics of
``torch.nn.functional`` and are written from their formulas with elementary tensor
operations; the tests compare their values and gradients with torch's. The rest of the
package holds what the notebooks of the course share: the device and seeding helpers,
the one number formatter, the one plot style, data generators, the training loop,
figures and interactive demos.

The public namespace is flat: ``import lossutils as lu`` then ``lu.cross_entropy``,
``lu.fmt``, ``lu.get_device`` and so on. Each name is defined in a small topical module:

=====================  ===================================================
``regression``         mse_loss, l1_loss, huber_loss, smooth_l1_loss, ...
``classification``     nll_loss, cross_entropy, binary cross-entropy, 0-1 loss
``information``        softmax, log_softmax, logsumexp, entropy, kl_div
``comparison``         compare_with_torch: a lab's check of a loss against torch
``device``             get_device, seed_everything
``display``            fmt, show: the one way numbers are printed
``plotting``           the house style of every figure
``datasets``           seeded toy data
``training``           the gradient-descent loop
``widgets``            the builder of every interactive demo
``pipeline``, ``capacity``, ``landscape``, ``thresholds``, ``robust``
                       the figures and demos of Part I, chapter by chapter
=====================  ===================================================
"""

from importlib.metadata import PackageNotFoundError, version

from .capacity import *
from .classification import *
from .comparison import *
from .datasets import *
from .device import *
from .display import *
from .information import *
from .landscape import *
from .pipeline import *
from .plotting import *
from .regression import *
from .robust import *
from .thresholds import *
from .training import *
from .widgets import *

try:
    __version__ = version("lossutils")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
