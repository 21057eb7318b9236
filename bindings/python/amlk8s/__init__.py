"""amlk8s: Azure Machine Learning on AKS and Azure Arc-enabled Kubernetes, from code."""

from __future__ import annotations

from . import errors, local
from ._core import (
    AzureMLOperations,
    Client,
    Extension,
    ExtensionOperations,
    LROPoller,
    AzureMLCreateRequest,
    AzureMLSettings,
    AzureMLUpdateRequest,
    Component,
    ComponentStatus,
    HealthCheckFinding,
    PreflightFinding,
    PreflightReport,
    Quantity,
    ResourceId,
    ValidationIssue,
    VerificationReport,
    __version__,
    build_azureml_create,
    build_azureml_update,
    cluster_id,
    expected_components,
)
from .errors import *  # noqa: F401,F403 - the exception hierarchy is part of the top-level API

__all__ = [
    "__version__",
    "errors",
    "local",
    "AzureMLOperations",
    "Client",
    "Extension",
    "ExtensionOperations",
    "LROPoller",
    "AzureMLCreateRequest",
    "AzureMLSettings",
    "AzureMLUpdateRequest",
    "Component",
    "ComponentStatus",
    "HealthCheckFinding",
    "PreflightFinding",
    "PreflightReport",
    "Quantity",
    "ResourceId",
    "ValidationIssue",
    "VerificationReport",
    "build_azureml_create",
    "build_azureml_update",
    "cluster_id",
    "expected_components",
] + list(errors.__all__)
