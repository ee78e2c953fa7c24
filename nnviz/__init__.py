"""nnviz: a visual backpropagation explorer built on PyTorch."""

from nnviz._version import __version__

__all__ = ["__version__"]
