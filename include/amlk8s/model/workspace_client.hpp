// The clients of one AzureML workspace, as azure-ai-ml's MLClient groups them: computes, jobs, and
// online endpoints and deployments. session::workspace() hands one out.
#pragma once

#include <amlk8s/model/compute.hpp>
#include <amlk8s/model/job.hpp>
#include <amlk8s/model/online.hpp>

namespace amlk8s::model {

/// Computes, jobs and online endpoints of one workspace. Cheap to copy; the ARM client and the
/// scoring sender it was made with must outlive it.
class workspace_client {
 public:
  /// Throws amlk8s::error (errc::invalid_argument) when `workspace` is not a workspace id.
  workspace_client(arm::client& arm, http::sender& scoring, resource_id workspace)
      : computes_(arm, workspace), jobs_(arm, workspace), online_(arm, scoring, workspace) {}

  const resource_id& id() const noexcept { return computes_.workspace(); }
  const computes_client& computes() const noexcept { return computes_; }
  const jobs_client& jobs() const noexcept { return jobs_; }
  const online_client& online() const noexcept { return online_; }

 private:
  computes_client computes_;
  jobs_client jobs_;
  online_client online_;
};

}  // namespace amlk8s::model
