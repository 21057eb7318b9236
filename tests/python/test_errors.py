import pytest

import amlk8s
from amlk8s import _core


def test_version_matches_the_native_core():
    assert amlk8s.__version__.count(".") == 2
    assert amlk8s.__version__ == _core.__version__


@pytest.mark.parametrize(
    "code, cls",
    [
        (1, amlk8s.ValidationError),
        (2, amlk8s.ResourceNotFoundError),
        (3, amlk8s.ResourceExistsError),
        (4, amlk8s.ThrottledError),
        (7, amlk8s.OperationTimeoutError),
        (10, amlk8s.ServiceRequestError),
    ],
)
def test_native_errors_become_the_matching_python_class(code, cls):
    with pytest.raises(cls) as info:
        _core._raise_error(code, "something went wrong")
    assert isinstance(info.value, amlk8s.AmlK8sError)
    assert "something went wrong" in str(info.value)


def test_validation_error_is_a_value_error():
    with pytest.raises(ValueError):
        _core._raise_error(1, "bad")


def test_not_found_is_catchable_as_http_response_error():
    with pytest.raises(amlk8s.HttpResponseError):
        _core._raise_error(2, "missing")
