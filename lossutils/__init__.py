"""lossutils: an executable reference for PyTorch's loss functions, and the labs' helpers.

The losses have the names, signatures, defaults and semantics of
``torch.nn.functional`` and are written from their formulas with elementary tensor
operations; the tests compare their values and gradients with torch's. Besides them,
the top-level namespace holds only the few helpers every lab uses. ``import lossutils
as lu`` then ``lu.cross_entropy``, ``lu.fmt``, ``lu.get_device`` and so on; each name
is defined in a small topical module:

=====================  ===================================================
``regression``         mse_loss, l1_loss, huber_loss, smooth_l1_loss, ...
``classification``     nll_loss, cross_entropy, binary cross-entropy, 0-1 loss
``information``        softmax, log_softmax, logsumexp, entropy, kl_div
``comparison``         compare_with_torch: a lab's check of a loss against torch
``device``             get_device, seed_everything
``display``            fmt, show: the one way numbers are printed
``datasets``           seeded toy data and scikit-learn's bundled digits
=====================  ===================================================

The book's figures and demos are a layer of their own, :mod:`lossutils.figures`, one
module per chapter; they are not imported here.
"""

from importlib import metadata as _metadata

from . import classification, comparison, datasets, device, display, information, regression
from .classification import *
from .comparison import *
from .datasets import *
from .device import *
from .display import *
from .information import *
from .regression import *

#: The public names: the reference losses and the helpers every lab uses.
__all__ = sorted(
    name
    for module in (classification, comparison, datasets, device, display, information, regression)
    for name in module.__all__
)

try:
    __version__ = _metadata.version("lossutils")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
