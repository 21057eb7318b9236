// Python surface of the core value types.
#include "bindings.hpp"

#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/core/resource_id.hpp>

#include <pybind11/operators.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace amlk8s::python {
namespace {

std::optional<std::string> view_or_none(std::string_view v) {
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

void bind_resource_id(py::module_& m) {
  py::class_<resource_id>(m, "ResourceId", "An Azure Resource Manager resource id.")
      .def(py::init([](const std::string& text) { return resource_id::parse(text); }), py::arg("text"))
      .def_static("parse", [](const std::string& text) { return resource_id::parse(text); }, py::arg("text"),
                  "Parses an ARM id; raises ValidationError naming the wrong part.")
      .def_property_readonly("subscription_id", [](const resource_id& id) { return view_or_none(id.subscription_id()); })
      .def_property_readonly("resource_group", [](const resource_id& id) { return view_or_none(id.resource_group()); })
      .def_property_readonly("provider_namespace",
                             [](const resource_id& id) { return view_or_none(id.provider_namespace()); })
      .def_property_readonly("resource_type", [](const resource_id& id) { return view_or_none(id.resource_type()); })
      .def_property_readonly("name", [](const resource_id& id) { return view_or_none(id.name()); })
      .def_property_readonly("parent", &resource_id::parent)
      .def("child", &resource_id::child, py::arg("type"), py::arg("name"))
      .def("__str__", &resource_id::to_string)
      .def("__repr__", [](const resource_id& id) { return "ResourceId('" + id.to_string() + "')"; })
      .def("__hash__", [](const resource_id& id) { return hash_value(id); })
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self);
  m.def("cluster_id",
        [](const std::string& kind, const std::string& subscription_id, const std::string& resource_group,
           const std::string& name) {
          auto parsed = parse_cluster_type(kind);
          if (!parsed) {
            throw validation_error({{"cluster_type", "'" + kind + "' is not a cluster type",
                                     "use managedClusters (AKS) or connectedClusters (Arc)"}});
          }
          return cluster_id(*parsed, subscription_id, resource_group, name);
        },
        py::arg("cluster_type"), py::arg("subscription_id"), py::arg("resource_group"), py::arg("name"),
        "The ARM id of an AKS (managedClusters) or Arc (connectedClusters) cluster.");
}

}  // namespace

void bind_core(py::module_& m) {
  bind_resource_id(m);
  // Raises the exception for an error condition; lets the Python tests check the native mapping.
  m.def("_raise_error", [](int code, std::string message) {
    throw error(static_cast<errc>(code), std::move(message));
  });
}

}  // namespace amlk8s::python
