// Python surface of the AzureML extension model: settings, the create/update request builders
// (dry runs), the component table, and the verification and preflight reports.
#include "bindings.hpp"

#include <amlk8s/model/azureml_components.hpp>
#include <amlk8s/model/azureml_settings.hpp>
#include <amlk8s/model/azureml_verify.hpp>

#include <boost/json/serialize.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace amlk8s::python {

py::object to_python(const boost::json::value& v) {
  return py::module_::import("json").attr("loads")(boost::json::serialize(v));
}

namespace {

using model::azureml_settings;

// A secret field reads back as '***' when set, None when not: the value never returns to Python.
py::object secret_view(const secret_string& s) { return s.empty() ? py::none() : py::object(py::str("***")); }

secret_string secret_from(const py::object& value) {
  if (value.is_none()) return {};
  return secret_string(value.cast<std::string>());
}

template <class T>
void optional_property(py::class_<azureml_settings>& c, const char* name, std::optional<T> azureml_settings::*member,
                       const char* doc) {
  c.def_property(
      name, [member](const azureml_settings& s) { return s.*member; },
      [member](azureml_settings& s, std::optional<T> v) { s.*member = std::move(v); }, doc);
}

void secret_property(py::class_<azureml_settings>& c, const char* name, secret_string azureml_settings::*member,
                     const char* doc) {
  c.def_property(
      name, [member](const azureml_settings& s) { return secret_view(s.*member); },
      [member](azureml_settings& s, const py::object& v) { s.*member = secret_from(v); }, doc);
}

void bind_settings(py::module_& m) {
  py::class_<validation_issue>(m, "ValidationIssue", "One rejected input: which setting, why, and the fix.")
      .def_readonly("field", &validation_issue::field)
      .def_readonly("message", &validation_issue::message)
      .def_readonly("fix", &validation_issue::fix)
      .def("__repr__", [](const validation_issue& i) {
        return "ValidationIssue(field='" + i.field + "', message='" + i.message + "', fix='" + i.fix + "')";
      });

  py::class_<azureml_settings> c(m, "AzureMLSettings",
                                 "Configuration settings of the Microsoft.AzureML.Kubernetes extension.\n\n"
                                 "Keyword arguments set the fields of the same name, e.g.\n"
                                 "AzureMLSettings(enable_training=True, inference_router_service_type='NodePort').");
  c.def(py::init([](const py::kwargs& kwargs) {
          auto self = py::cast(azureml_settings{});
          for (const auto& [key, value] : kwargs) {
            const auto name = key.cast<std::string>();
            if (name == "warnings" || !py::hasattr(self, name.c_str()) || name.starts_with("_"))
              throw py::type_error("AzureMLSettings() got an unexpected keyword argument '" + name + "'");
            self.attr(name.c_str()) = value;
          }
          return self.cast<azureml_settings>();
        }),
        "Settings from keyword arguments (field names in snake_case).");
  optional_property(c, "enable_training", &azureml_settings::enable_training, "enableTraining");
  optional_property(c, "enable_inference", &azureml_settings::enable_inference, "enableInference");
  optional_property(c, "allow_insecure_connections", &azureml_settings::allow_insecure_connections,
                    "allowInsecureConnections");
  c.def_property(
      "inference_router_service_type",
      [](const azureml_settings& s) -> py::object {
        if (!s.inference_router_service_type) return py::none();
        return py::str(std::string(model::to_string(*s.inference_router_service_type)));
      },
      [](azureml_settings& s, const std::optional<std::string>& v) {
        if (!v) {
          s.inference_router_service_type.reset();
          return;
        }
        auto t = model::parse_router_service_type(*v);
        if (!t)
          throw validation_error({{"inference_router_service_type", "'" + *v + "' is not an inference router service type",
                                   "use 'LoadBalancer', 'NodePort' or 'ClusterIP'"}});
        s.inference_router_service_type = *t;
      },
      "inferenceRouterServiceType: 'LoadBalancer', 'NodePort' or 'ClusterIP'");
  optional_property(c, "internal_load_balancer_provider", &azureml_settings::internal_load_balancer_provider,
                    "internalLoadBalancerProvider ('azure' for an internal load balancer on AKS)");
  optional_property(c, "inference_router_ha", &azureml_settings::inference_router_ha, "inferenceRouterHA");
  optional_property(c, "cluster_purpose", &azureml_settings::cluster_purpose, "clusterPurpose");
  optional_property(c, "is_aks_migration", &azureml_settings::is_aks_migration, "isAKSMigration");
  optional_property(c, "ssl_secret", &azureml_settings::ssl_secret, "sslSecret");
  optional_property(c, "ssl_cname", &azureml_settings::ssl_cname, "sslCname");
  optional_property(c, "ssl_cert_pem_file", &azureml_settings::ssl_cert_pem_file, "sslCertPemFile (a local path)");
  optional_property(c, "ssl_key_pem_file", &azureml_settings::ssl_key_pem_file, "sslKeyPemFile (a local path)");
  secret_property(c, "ssl_cert_pem", &azureml_settings::ssl_cert_pem, "The certificate PEM text (reads back as '***').");
  secret_property(c, "ssl_key_pem", &azureml_settings::ssl_key_pem, "The key PEM text (reads back as '***').");
  c.def_readwrite("node_selector", &azureml_settings::node_selector, "nodeSelector.<label>=<value> entries");
  optional_property(c, "install_nvidia_device_plugin", &azureml_settings::install_nvidia_device_plugin,
                    "installNvidiaDevicePlugin");
  optional_property(c, "install_prom_op", &azureml_settings::install_prom_op, "installPromOp");
  optional_property(c, "install_volcano", &azureml_settings::install_volcano, "installVolcano");
  optional_property(c, "install_dcgm_exporter", &azureml_settings::install_dcgm_exporter, "installDcgmExporter");
  optional_property(c, "openshift", &azureml_settings::openshift, "openshift");
  optional_property(c, "log_analytics_ws", &azureml_settings::log_analytics_ws, "logAnalyticsWS");
  optional_property(c, "relay_server_enabled", &azureml_settings::relay_server_enabled, "relayserver.enabled");
  optional_property(c, "service_bus_enabled", &azureml_settings::service_bus_enabled, "servicebus.enabled");
  optional_property(c, "nginx_ingress_enabled", &azureml_settings::nginx_ingress_enabled, "nginxIngress.enabled");
  secret_property(c, "relay_server_connection_string", &azureml_settings::relay_server_connection_string,
                  "relayServerConnectionString (reads back as '***')");
  secret_property(c, "service_bus_connection_string", &azureml_settings::service_bus_connection_string,
                  "serviceBusConnectionString (reads back as '***')");
  c.def_readwrite("extra_settings", &azureml_settings::extra_settings, "Other public settings, sent as given.");
  c.def_property(
      "extra_protected_settings",
      [](const azureml_settings& s) {
        py::dict d;
        for (const auto& [k, v] : s.extra_protected_settings) d[py::str(k)] = "***";
        return d;
      },
      [](azureml_settings& s, const std::map<std::string, std::string>& v) {
        s.extra_protected_settings.clear();
        for (const auto& [k, x] : v) s.extra_protected_settings[k] = secret_string(x);
      },
      "Other protected settings (values read back as '***').");
  c.def_readonly("warnings", &azureml_settings::warnings, "Legacy names mapped, unknown keys kept, ...");
  c.def_static(
      "from_key_values",
      [](const std::vector<std::string>& settings, const std::vector<std::string>& protected_settings) {
        return azureml_settings::from_key_values(settings, protected_settings);
      },
      py::arg("settings"), py::arg("protected_settings") = std::vector<std::string>{},
      "Reads az-style 'key=value' items (--config and --config-protected).");
  c.def_static(
      "from_files",
      [](const std::filesystem::path& settings_file, const std::optional<std::filesystem::path>& protected_settings_file) {
        return azureml_settings::from_files(settings_file, protected_settings_file.value_or(std::filesystem::path{}));
      },
      py::arg("settings_file"), py::arg("protected_settings_file") = py::none(), "Reads JSON settings files.");
  c.def("validate", &azureml_settings::validate, "Every create-time rule; an empty list when the settings can be sent.");
  c.def("to_settings_map", &azureml_settings::to_settings_map, "The public settings as sent (values 'True'/'False').");
  c.def("__repr__", [](const azureml_settings& s) { return model::to_string(s); });
}

void bind_requests(py::module_& m) {
  using model::azureml_create_request;
  using model::azureml_update_request;
  py::class_<azureml_create_request>(m, "AzureMLCreateRequest", "What creating the AzureML extension will send.")
      .def_readonly("extension_type", &azureml_create_request::extension_type)
      .def_readonly("release_namespace", &azureml_create_request::release_namespace)
      .def_readonly("release_train", &azureml_create_request::release_train)
      .def_readonly("version", &azureml_create_request::version)
      .def_readonly("identity_type", &azureml_create_request::identity_type)
      .def_readonly("configuration_settings", &azureml_create_request::configuration_settings)
      .def_property_readonly("protected_setting_names",
                             [](const azureml_create_request& r) {
                               std::vector<std::string> names;
                               for (const auto& [k, v] : r.configuration_protected_settings) names.push_back(k);
                               return names;
                             })
      .def_readonly("warnings", &azureml_create_request::warnings)
      .def_property_readonly("body", [](const azureml_create_request& r) { return to_python(r.to_redacted_json()); },
                             "The PUT body with protected values as '***'.")
      .def("dry_run", &azureml_create_request::dry_run, "The body as readable JSON text (secrets as ***).")
      .def("__repr__", [](const azureml_create_request& r) { return "AzureMLCreateRequest(" + r.dry_run() + ")"; });

  py::class_<azureml_update_request>(m, "AzureMLUpdateRequest", "What updating the AzureML extension will send.")
      .def_readonly("configuration_settings", &azureml_update_request::configuration_settings)
      .def_readonly("impact", &azureml_update_request::impact)
      .def_readonly("warnings", &azureml_update_request::warnings)
      .def_property_readonly("body", [](const azureml_update_request& r) { return to_python(r.to_redacted_json()); },
                             "The PATCH body with protected values as '***'.");

  m.def(
      "build_azureml_create",
      [](const azureml_settings& settings, const resource_id& cluster, const std::string& location,
         std::optional<int> node_count, const std::string& distribution, std::optional<std::string> release_train,
         std::optional<std::string> version, std::optional<bool> auto_upgrade_minor_version, const std::string& scope,
         std::optional<std::string> release_namespace) {
        model::azureml_install_options o;
        o.release_train = std::move(release_train);
        o.version = std::move(version);
        o.auto_upgrade_minor_version = auto_upgrade_minor_version;
        o.scope = scope;
        o.release_namespace = std::move(release_namespace);
        return model::build_azureml_create(settings, {cluster, location, node_count, distribution}, o);
      },
      py::arg("settings"), py::kw_only(), py::arg("cluster"), py::arg("location"), py::arg("node_count") = py::none(),
      py::arg("distribution") = "", py::arg("release_train") = py::none(), py::arg("version") = py::none(),
      py::arg("auto_upgrade_minor_version") = py::none(), py::arg("scope") = "cluster",
      py::arg("release_namespace") = py::none(),
      "Applies what `az k8s-extension create` does to the settings; raises ValidationError before anything is sent.");
  m.def(
      "build_azureml_update",
      [](const azureml_settings& changes, bool replaces_all_protected_settings, std::optional<std::string> release_train,
         std::optional<std::string> version, std::optional<bool> auto_upgrade_minor_version) {
        model::azureml_install_options o;
        o.release_train = std::move(release_train);
        o.version = std::move(version);
        o.auto_upgrade_minor_version = auto_upgrade_minor_version;
        return model::build_azureml_update(changes, replaces_all_protected_settings, o);
      },
      py::arg("changes"), py::kw_only(), py::arg("replaces_all_protected_settings") = false,
      py::arg("release_train") = py::none(), py::arg("version") = py::none(),
      py::arg("auto_upgrade_minor_version") = py::none(), "Applies the update rules; only what is set is sent.");
}

void bind_reports(py::module_& m) {
  using namespace model;
  py::class_<component>(m, "Component", "A workload the AzureML extension creates in namespace azureml.")
      .def_readonly("name", &component::name)
      .def_property_readonly("kind", [](const component& c) { return std::string(to_string(c.kind)); })
      .def_readonly("replicas", &component::replicas)
      .def_readonly("purpose", &component::purpose)
      .def("__repr__", [](const component& c) {
        return "Component('" + c.name + "', " + std::string(to_string(c.kind)) + ")";
      });
  m.def(
      "expected_components",
      [](const azureml_settings& settings, const std::string& cluster_type, const std::string& extension_name) {
        auto kind = parse_cluster_type(cluster_type);
        if (!kind)
          throw validation_error({{"cluster_type", "'" + cluster_type + "' is not a cluster type",
                                   "use managedClusters (AKS) or connectedClusters (Arc)"}});
        return expected_components(selection_from_settings(settings.to_settings_map(), *kind), extension_name);
      },
      py::arg("settings"), py::kw_only(), py::arg("cluster_type"), py::arg("extension_name"),
      "The components the settings create, by the documented component table.");

  py::class_<component_status>(m, "ComponentStatus")
      .def_property_readonly("name", [](const component_status& s) { return s.expected.name; })
      .def_property_readonly("kind", [](const component_status& s) { return std::string(to_string(s.expected.kind)); })
      .def_property_readonly("state", [](const component_status& s) { return std::string(to_string(s.state)); })
      .def_readonly("ready", &component_status::ready)
      .def_readonly("desired", &component_status::desired)
      .def("__repr__", [](const component_status& s) {
        return "ComponentStatus('" + s.expected.name + "', " + std::string(to_string(s.state)) + ")";
      });
  py::class_<health_check_finding>(m, "HealthCheckFinding")
      .def_readonly("phase", &health_check_finding::phase)
      .def_readonly("code", &health_check_finding::code)
      .def_readonly("name", &health_check_finding::name)
      .def_readonly("meaning", &health_check_finding::meaning)
      .def("__repr__", [](const health_check_finding& h) { return "HealthCheckFinding('" + h.code + "', '" + h.phase + "')"; });
  py::class_<verification_report>(m, "VerificationReport")
      .def_readonly("extension_name", &verification_report::extension_name)
      .def_readonly("provisioning_state", &verification_report::provisioning_state)
      .def_readonly("components", &verification_report::components)
      .def_readonly("health_checks", &verification_report::health_checks)
      .def_property_readonly("ok", &verification_report::ok)
      .def("__str__", &verification_report::to_string);
  py::class_<preflight_finding>(m, "PreflightFinding")
      .def_readonly("id", &preflight_finding::id)
      .def_property_readonly("severity", [](const preflight_finding& f) { return std::string(to_string(f.severity)); })
      .def_readonly("message", &preflight_finding::message)
      .def_readonly("fix", &preflight_finding::fix)
      .def("__repr__", [](const preflight_finding& f) {
        return "PreflightFinding('" + f.id + "', " + std::string(to_string(f.severity)) + ")";
      });
  py::class_<preflight_report>(m, "PreflightReport")
      .def_readonly("findings", &preflight_report::findings)
      .def_property_readonly("ok", &preflight_report::ok)
      .def("__str__", &preflight_report::to_string);
}

}  // namespace

void bind_model(py::module_& m) {
  bind_settings(m);
  bind_requests(m);
  bind_reports(m);
}

}  // namespace amlk8s::python
