// amlk8s._core: the pybind11 module. Each layer binds itself in its own bind_*.cpp file; this file
// creates the module and maps amlk8s::error onto the Python exception hierarchy of amlk8s/errors.py.
#include "bindings.hpp"

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/version.hpp>

namespace py = pybind11;

namespace amlk8s::python {

py::dict to_python(const diagnostics& d) {
  py::dict out;
  out["http_status"] = d.http_status;
  out["service_code"] = d.service_code;
  out["service_message"] = d.service_message;
  out["request_id"] = d.request_id;
  out["correlation_request_id"] = d.correlation_request_id;
  out["client_request_id"] = d.client_request_id;
  out["client_message"] = d.client_message;
  py::list details;
  for (const auto& detail : d.details) details.append(py::make_tuple(detail.code, detail.message, detail.target));
  out["details"] = details;
  py::list validation;
  for (const auto& issue : d.validation) validation.append(py::make_tuple(issue.field, issue.message, issue.fix));
  out["validation"] = validation;
  return out;
}

namespace {

void translate(const error& e) {
  const int code = e.code().category() == error_category() ? e.code().value() : static_cast<int>(errc::transport_error);
  py::object exc = py::module_::import("amlk8s.errors").attr("_from_native")(code, e.what(), to_python(e.diag()));
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
}

}  // namespace
}  // namespace amlk8s::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "amlk8s native core";
  m.attr("__version__") = AMLK8S_VERSION_STRING;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const amlk8s::error& e) {
      amlk8s::python::translate(e);
    }
  });
  amlk8s::python::bind_core(m);
  amlk8s::python::bind_model(m);
  amlk8s::python::bind_client(m);
  amlk8s::python::bind_instance_type(m);
  amlk8s::python::bind_local(m);
  amlk8s::python::bind_fit(m);
  amlk8s::python::bind_workspace(m);
}
