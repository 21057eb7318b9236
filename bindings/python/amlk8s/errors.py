"""The amlk8s exception hierarchy.

It mirrors the native error model (``amlk8s::errc`` plus diagnostics) and borrows the names Azure SDK
for Python users already catch: ``HttpResponseError``, ``ResourceNotFoundError`` and so on.
``str()`` of any error is useful on its own and never holds a secret (the native layer redacts).
"""

from __future__ import annotations

from typing import List, Optional, Tuple

__all__ = [
    "AmlK8sError",
    "ValidationError",
    "HttpResponseError",
    "ResourceNotFoundError",
    "ResourceExistsError",
    "ThrottledError",
    "ClientAuthenticationError",
    "AuthorizationError",
    "OperationTimeoutError",
    "OperationCancelledError",
    "ServiceRequestError",
    "TLSError",
    "ProtocolError",
    "OperationFailedError",
    "PreconditionFailedError",
]


class AmlK8sError(Exception):
    """Base class of every amlk8s error."""

    #: The native error condition (``amlk8s::errc``) value.
    code: int = 0

    def __init__(self, message: str = "", *, diagnostics: Optional[dict] = None) -> None:
        super().__init__(message)
        d = diagnostics or {}
        self.message: str = message
        self.status_code: int = d.get("http_status", 0)
        self.service_code: str = d.get("service_code", "")
        self.service_message: str = d.get("service_message", "")
        self.request_id: str = d.get("request_id", "")
        self.correlation_request_id: str = d.get("correlation_request_id", "")
        self.client_request_id: str = d.get("client_request_id", "")
        self.details: List[Tuple[str, str, str]] = list(d.get("details", []))
        #: (field, message, fix) for each rejected input.
        self.validation: List[Tuple[str, str, str]] = list(d.get("validation", []))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ValidationError(AmlK8sError, ValueError):
    """Input was rejected before any network call; ``validation`` names each field and its fix."""

    code = 1

    @property
    def fields(self) -> List[str]:
        return [field for field, _, _ in self.validation]


class HttpResponseError(AmlK8sError):
    """A service answered with an error status."""

    code = 9


class ResourceNotFoundError(HttpResponseError, LookupError):
    code = 2


class ResourceExistsError(HttpResponseError):
    """A conflict: the resource exists, or another operation holds it."""

    code = 3


class ThrottledError(HttpResponseError):
    """HTTP 429 after the retries ran out."""

    code = 4


class ClientAuthenticationError(HttpResponseError):
    code = 5


class AuthorizationError(HttpResponseError, PermissionError):
    code = 6


class OperationTimeoutError(AmlK8sError, TimeoutError):
    code = 7


class OperationCancelledError(AmlK8sError):
    code = 8


class ServiceRequestError(AmlK8sError, ConnectionError):
    """The request could not be delivered (connection refused or reset, DNS, truncated answer)."""

    code = 10


class TLSError(ServiceRequestError):
    code = 11


class ProtocolError(AmlK8sError):
    code = 12


class OperationFailedError(HttpResponseError):
    """A long-running operation ended Failed or Canceled."""

    code = 13


class PreconditionFailedError(AmlK8sError):
    """A check before the operation found the target unfit (preflight)."""

    code = 14


_BY_CODE = {cls.code: cls for cls in (
    ValidationError, HttpResponseError, ResourceNotFoundError, ResourceExistsError, ThrottledError,
    ClientAuthenticationError, AuthorizationError, OperationTimeoutError, OperationCancelledError,
    ServiceRequestError, TLSError, ProtocolError, OperationFailedError, PreconditionFailedError)}


def _from_native(code: int, message: str, diagnostics: dict) -> AmlK8sError:
    """Builds the exception for a native ``amlk8s::error`` (called by the extension module)."""
    cls = _BY_CODE.get(code, AmlK8sError)
    return cls(message, diagnostics=diagnostics)
