"""amlk8s: Azure Machine Learning on AKS and Azure Arc-enabled Kubernetes, from code."""

from __future__ import annotations

from . import errors
from ._core import Quantity, ResourceId, __version__, cluster_id
from .errors import *  # noqa: F401,F403 - the exception hierarchy is part of the top-level API

__all__ = ["__version__", "errors", "Quantity", "ResourceId", "cluster_id"] + list(errors.__all__)
