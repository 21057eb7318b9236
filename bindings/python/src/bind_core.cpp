// Python surface of the core value types.
#include "bindings.hpp"

#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/core/quantity.hpp>
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

void bind_quantity(py::module_& m) {
  py::class_<quantity>(m, "Quantity",
                       "A Kubernetes resource quantity ('500m', '1.5Gi', '4'), compared and added by value.")
      .def(py::init([](const py::object& value) {
             if (py::isinstance<py::str>(value)) return quantity::parse(value.cast<std::string>(), "quantity");
             if (py::isinstance<py::bool_>(value)) {
               throw validation_error({{"quantity", "a boolean is not a quantity", "pass a string such as '500m'"}});
             }
             if (py::isinstance<py::int_>(value)) return quantity::from_int(value.cast<std::int64_t>());
             // Floats go through their shortest text, as Kubernetes reads YAML numbers.
             return quantity::parse(py::str(value).cast<std::string>(), "quantity");
           }),
           py::arg("value"), "Parses a quantity; raises ValueError with the Kubernetes error kind.")
      .def("value", &quantity::value, "Whole units, rounded up (as Kubernetes Value()).")
      .def("milli_value", &quantity::milli_value, "Thousandths, rounded up (as Kubernetes MilliValue()).")
      .def_property_readonly("is_zero", &quantity::is_zero)
      .def("canonical", &quantity::canonical_string, "The canonical form, ignoring the original text.")
      .def("__str__", &quantity::to_string)
      .def("__repr__", [](const quantity& q) { return "Quantity('" + q.to_string() + "')"; })
      .def("__hash__", &quantity::hash)
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def(py::self + py::self)
      .def(py::self - py::self)
      .def(-py::self)
      .def(py::self * std::int64_t());
}

}  // namespace

void bind_core(py::module_& m) {
  bind_resource_id(m);
  bind_quantity(m);
  // Raises the exception for an error condition; lets the Python tests check the native mapping.
  m.def("_raise_error", [](int code, std::string message) {
    throw error(static_cast<errc>(code), std::move(message));
  });
}

}  // namespace amlk8s::python
