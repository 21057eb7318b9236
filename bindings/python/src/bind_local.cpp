// Python surface of the embedded local control plane (amlk8s.local.ControlPlane), so that notebooks
// and pytest suites run the SDK with no Azure subscription and no cluster.
#include "bindings.hpp"

#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/test_ca.hpp>

#include <boost/json/serialize.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace py = pybind11;

namespace amlk8s::python {
namespace {

using local::control_plane;

local::cluster_kind kind_of(const std::string& text) {
  auto k = amlk8s::parse_cluster_type(text);
  if (!k)
    throw validation_error({{"cluster_type", "'" + text + "' is not a cluster type",
                             "use managedClusters (AKS) or connectedClusters (Arc)"}});
  return *k == amlk8s::cluster_kind::aks ? local::cluster_kind::aks : local::cluster_kind::arc;
}

}  // namespace

void bind_local(py::module_& parent) {
  auto m = parent.def_submodule("local", "The embeddable local control plane.");
  py::class_<local::test_ca>(m, "TestCA", "A throwaway certificate authority for tests and examples (never for production).")
      .def(py::init<>())
      .def_property_readonly("certificate_pem", &local::test_ca::certificate_pem, "The CA certificate (PEM).")
      .def(
          "issue_server_certificate",
          [](const local::test_ca& ca, const std::vector<std::string>& names) {
            auto ck = ca.issue_server_certificate(names);
            return py::make_tuple(ck.certificate_chain_pem, ck.private_key_pem);
          },
          py::arg("names"), "A certificate for `names` and its private key, as (certificate_pem, key_pem).");
  py::class_<control_plane>(m, "ControlPlane",
                            "ARM, an Entra-style token endpoint and a Kubernetes API per simulated cluster, on loopback.")
      .def(py::init([](bool https, std::uint16_t port, double lro_delay, int min_retry_after,
                       std::optional<std::filesystem::path> clusters_file, std::optional<std::filesystem::path> work_dir,
                       bool run_job_processes, double simulated_job_run_time) {
             local::control_plane_options o;
             o.https = https;
             o.port = port;
             o.lro_delay = std::chrono::milliseconds(static_cast<std::int64_t>(lro_delay * 1000));
             o.min_retry_after = std::chrono::seconds(min_retry_after);
             o.world_file = std::move(clusters_file);
             if (work_dir) o.work_dir = *work_dir;
             o.run_job_processes = run_job_processes;
             o.simulated_job_run_time = std::chrono::milliseconds(static_cast<std::int64_t>(simulated_job_run_time * 1000));
             py::gil_scoped_release release;
             return std::make_unique<control_plane>(std::move(o));
           }),
           py::kw_only(), py::arg("https") = true, py::arg("port") = 0, py::arg("lro_delay") = 0.05,
           py::arg("min_retry_after") = 0, py::arg("clusters_file") = py::none(), py::arg("work_dir") = py::none(),
           py::arg("run_job_processes") = true, py::arg("simulated_job_run_time") = 10.0,
           "Starts serving on 127.0.0.1 (port 0 picks a free one). Job commands run as local processes unless "
           "run_job_processes is False; then a job completes after simulated_job_run_time seconds.")
      .def_property_readonly(
          "endpoints", [](const control_plane& p) { return py::module_::import("json").attr("loads")(p.endpoints().to_json()); },
          "What a client needs: arm_endpoint, authority_host, tenant_id, client_id, client_secret, subscription_id, "
          "ca_file, kubeconfig_dir.")
      .def(
          "add_cluster",
          [](control_plane& p, const std::string& name, const std::string& cluster_type, int nodes,
             const std::string& resource_group, const std::string& location, int gpus, int cpu_cores, int memory_gib,
             const std::optional<std::string>& subscription_id, const std::string& identity, bool local_accounts,
             std::vector<std::string> authorized_ip_ranges, std::optional<bool> load_balancer) {
            local::cluster_spec c;
            c.kind = kind_of(cluster_type);
            c.subscription = subscription_id.value_or(p.endpoints().subscription_id);
            c.resource_group = resource_group;
            c.name = name;
            c.location = location;
            c.kubernetes_version = "1.30.6";
            c.distribution = c.kind == local::cluster_kind::aks ? "aks" : "k8s";
            if (identity == "ServicePrincipal") c.identity = local::identity_kind::service_principal;
            else if (identity == "UserAssigned") c.identity = local::identity_kind::user_assigned;
            else if (identity == "SystemAssigned") c.identity = local::identity_kind::system_assigned;
            else
              throw validation_error({{"identity", "'" + identity + "' is not an identity kind",
                                       "use SystemAssigned, UserAssigned or ServicePrincipal"}});
            c.local_accounts = local_accounts;
            c.authorized_ip_ranges = std::move(authorized_ip_ranges);
            c.load_balancer = load_balancer;
            local::node_pool pool;
            pool.name = "nodepool1";
            pool.count = nodes;
            pool.cpu_millicores = static_cast<std::int64_t>(cpu_cores) * 1000;
            pool.memory_bytes = static_cast<std::int64_t>(memory_gib) << 30;
            pool.gpus = gpus;
            c.node_pools.push_back(pool);
            py::gil_scoped_release release;
            p.azure().arm().add_cluster(c);
            return resource_id::parse(local::arm_id(c));
          },
          py::arg("name"), py::kw_only(), py::arg("cluster_type") = "managedClusters", py::arg("nodes") = 3,
          py::arg("resource_group") = "ml-rg", py::arg("location") = "eastus", py::arg("gpus") = 0,
          py::arg("cpu_cores") = 4, py::arg("memory_gib") = 16, py::arg("subscription_id") = py::none(),
          py::arg("identity") = "SystemAssigned", py::arg("local_accounts") = true,
          py::arg("authorized_ip_ranges") = std::vector<std::string>{}, py::arg("load_balancer") = py::none(),
          "Declares a cluster (Ready nodes, a Kubernetes API and a kubeconfig) and returns its ResourceId.")
      .def(
          "add_workspace",
          [](control_plane& p, const std::string& name, const std::string& resource_group, const std::string& location,
             const std::optional<std::string>& subscription_id) {
            local::workspace_spec w{subscription_id.value_or(p.endpoints().subscription_id), resource_group, name, location, ""};
            py::gil_scoped_release release;
            return resource_id::parse(p.azure().arm().add_workspace(w));
          },
          py::arg("name"), py::kw_only(), py::arg("resource_group") = "ml-rg", py::arg("location") = "eastus",
          py::arg("subscription_id") = py::none(), "Declares an AzureML workspace and returns its ResourceId.")
      .def(
          "kubeconfig_path", [](const control_plane& p, const std::string& name) { return p.kubeconfig_path(name); },
          py::arg("name"), "The kubeconfig file of a simulated cluster.")
      .def("cluster_names", &control_plane::cluster_names)
      .def("stop", &control_plane::stop, py::call_guard<py::gil_scoped_release>(), "Stops serving (idempotent).")
      .def("__enter__", [](control_plane& p) -> control_plane& { return p; }, py::return_value_policy::reference)
      .def("__exit__", [](control_plane& p, const py::args&) {
        py::gil_scoped_release release;
        p.stop();
      });
}

}  // namespace amlk8s::python
