// Python surface of the core value types.
#include "bindings.hpp"

namespace py = pybind11;

namespace amlk8s::python {

void bind_core(py::module_& m) {
  // Raises the exception for an error condition; lets the Python tests check the native mapping.
  m.def("_raise_error", [](int code, std::string message) {
    throw error(static_cast<errc>(code), std::move(message));
  });
}

}  // namespace amlk8s::python
