// What the HTTP benchmarks share: the body a loopback server answers (an ARM extension GET of
// typical size) and a driver that keeps a fixed number of requests in flight through one client.
#pragma once

#include <amlk8s/http/client.hpp>

#include <atomic>
#include <cstdint>
#include <future>
#include <string>
#include <vector>

namespace amlk8s::bench {

/// A path shaped like an ARM extension GET.
inline const std::string arm_extension_path =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/"
    "managedClusters/aks1/providers/Microsoft.KubernetesConfiguration/extensions/azureml?api-version=2023-05-01";

/// A JSON body of the size and shape of an extension resource.
inline std::string arm_extension_body() {
  return R"({"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1/providers/Microsoft.KubernetesConfiguration/extensions/azureml","name":"azureml","type":"Microsoft.KubernetesConfiguration/extensions","identity":{"type":"SystemAssigned","principalId":"11111111-1111-1111-1111-111111111111","tenantId":"22222222-2222-2222-2222-222222222222"},"properties":{"extensionType":"Microsoft.AzureML.Kubernetes","autoUpgradeMinorVersion":true,"releaseTrain":"stable","version":"1.1.53","scope":{"cluster":{"releaseNamespace":"azureml"}},"configurationSettings":{"enableTraining":"True","enableInference":"True","inferenceRouterServiceType":"LoadBalancer","allowInsecureConnections":"False","inferenceRouterHA":"True","installNvidiaDevicePlugin":"False","installPromOp":"True","installVolcano":"True","installDcgmExporter":"False","clusterPurpose":"DevTest"},"configurationProtectedSettings":{},"provisioningState":"Succeeded","statuses":[],"aksAssignedIdentity":{"type":"SystemAssigned"},"isSystemExtension":false},"systemData":{"createdBy":"someone@example.com","createdByType":"User","createdAt":"2024-01-01T00:00:00Z","lastModifiedBy":"someone@example.com","lastModifiedByType":"User","lastModifiedAt":"2024-01-01T00:00:00Z"}})";
}

/// Sends GETs to `url` through `client` with `in_flight` requests outstanding at all times until
/// `total` have completed (or, with `stop`, until it is set). Returns the number completed.
class in_flight_driver {
 public:
  in_flight_driver(http::client& client, std::string url, std::size_t in_flight)
      : client_(client), diags_(in_flight) {
    request_.url = std::move(url);
  }

  /// Runs until `total` requests have completed; returns the number that failed or were not 200.
  std::uint64_t run(std::uint64_t total, const std::atomic<bool>* stop = nullptr) {
    remaining_ = static_cast<std::int64_t>(total);
    stop_ = stop;
    errors_ = 0;
    completed_ = 0;
    lanes_left_ = diags_.size();
    done_ = std::promise<void>();
    auto finished = done_.get_future();
    for (std::size_t lane = 0; lane < diags_.size(); ++lane) next(lane);
    finished.wait();
    return errors_;
  }

  /// Requests completed by the last run.
  std::uint64_t completed() const { return completed_; }

 private:
  void next(std::size_t lane) {
    if ((stop_ && stop_->load(std::memory_order_relaxed)) || remaining_.fetch_sub(1) <= 0) {
      if (--lanes_left_ == 0) done_.set_value();
      return;
    }
    http::async_send(client_, request_, diags_[lane], [this, lane](error_code ec, http::response res) {
      if (ec || res.status != 200) ++errors_;
      ++completed_;
      next(lane);
    });
  }

  http::client& client_;
  http::request request_;
  std::vector<diagnostics> diags_;
  std::atomic<std::int64_t> remaining_{0};
  std::atomic<std::size_t> lanes_left_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> completed_{0};
  const std::atomic<bool>* stop_ = nullptr;
  std::promise<void> done_;
};

}  // namespace amlk8s::bench
