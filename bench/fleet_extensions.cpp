// The amlk8s side of bench/compare_fleet.sh: installs the AzureML extension on a fleet of clusters
// with at most --concurrency operations in flight, all asynchronous on one io_context run by one
// thread (no thread per cluster), and prints wall time, per-operation latency and request counts.
//
//   fleet_extensions --endpoints FILE|- --clusters-file FILE --extension NAME
//                    [--concurrency N] [--poll-ms MS] [--bodies-out FILE]
//
// --endpoints is the JSON ready line of `amlk8s-local serve` (or any file holding it; "-" reads it
// from stdin). --clusters-file holds one cluster resource id per line. For every cluster, one
// operation is what a fleet tool does: read the cluster (clusters_client::async_get), build the
// AzureML create request from it (enableTraining=True), PUT it (extensions_client::async_begin_create)
// and wait for the operation (arm::poller::async_wait). --poll-ms is the poller's delay when an
// answer carries no Retry-After (a Retry-After is always honoured, up to 60 s). --bodies-out writes
// the PUT bodies as sent, as one JSON object keyed by cluster id, for the Python side to send the same.
//
// The last line of output is one JSON object with the results (read by compare_fleet.sh).
#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/auth/bearer_authorizer.hpp>
#include <amlk8s/auth/client_secret_credential.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/model/azureml_settings.hpp>
#include <amlk8s/model/cluster.hpp>
#include <amlk8s/model/extension.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace amlk8s;
using steady = std::chrono::steady_clock;

// The transport under the ARM pipeline, counting what goes on the wire (retries and polls
// included) and keeping the extension PUT bodies as sent.
class counting_sender final : public http::sender {
 public:
  explicit counting_sender(http::sender& inner) : inner_(inner) {}

  boost::asio::any_io_executor get_executor() override { return inner_.get_executor(); }

  void async_send_erased(http::request req, diagnostics& diag, handler_type handler) override {
    ++requests;
    if (keep_bodies && req.method == http::verb::put) {
      auto path = req.url.substr(0, req.url.find('?'));
      if (auto at = path.find("/subscriptions/"); at != std::string::npos) bodies[path.substr(at)] = req.body;
    }
    inner_.async_send_erased(std::move(req), diag, std::move(handler));
  }

  std::uint64_t requests = 0;
  bool keep_bodies = false;
  std::map<std::string, std::string> bodies;  // extension id -> body

 private:
  http::sender& inner_;
};

struct options {
  std::string endpoints_file;
  std::string clusters_file;
  std::string extension;
  std::size_t concurrency = 32;
  long poll_ms = 1000;
  std::string bodies_out;
};

int usage() {
  std::cerr << "usage: fleet_extensions --endpoints FILE|- --clusters-file FILE --extension NAME\n"
               "                        [--concurrency N] [--poll-ms MS] [--bodies-out FILE]\n";
  return 2;
}

std::string read_all(std::istream& in) {
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fleet: one operation per cluster, at most `concurrency` at once, on the caller's io_context.
class fleet {
 public:
  fleet(arm::client& arm, std::vector<resource_id> clusters, std::string extension, std::size_t concurrency)
      : clusters_client_(arm),
        extensions_(arm),
        clusters_(std::move(clusters)),
        extension_(std::move(extension)),
        concurrency_(concurrency) {
    settings_.enable_training = true;
  }

  void start() {
    for (std::size_t i = 0; i < concurrency_ && next_ < clusters_.size(); ++i) launch(next_++);
  }

  std::vector<double> latencies_ms;
  std::size_t failures = 0;
  std::string first_failure;

 private:
  struct job {
    resource_id cluster;
    steady::time_point start;
    diagnostics diag;
    arm::poller poller;
  };

  void launch(std::size_t index) {
    auto j = std::make_shared<job>();
    j->cluster = clusters_[index];
    j->start = steady::now();
    clusters_client_.async_get(j->cluster, j->diag, [this, j](error_code ec, model::cluster_info info) {
      if (ec) return finish(*j, ec, "reading the cluster");
      model::extension_spec spec;
      try {
        model::azureml_target target;
        target.cluster = info.id;
        target.location = info.location;
        if (info.node_count) target.node_count = static_cast<int>(*info.node_count);
        target.distribution = info.distribution;
        spec = model::build_azureml_create(settings_, target).to_spec();
      } catch (const amlk8s::error& e) {
        j->diag = e.diag();
        return finish(*j, e.code(), "building the request");
      }
      extensions_.async_begin_create(j->cluster, extension_, std::move(spec), j->diag,
                                     [this, j](error_code ec2, arm::poller poller) {
                                       if (ec2) return finish(*j, ec2, "creating the extension");
                                       j->poller = std::move(poller);
                                       j->poller.async_wait([this, j](error_code ec3, boost::json::value) {
                                         finish(*j, ec3, "waiting for the extension");
                                       });
                                     });
    });
  }

  void finish(job& j, error_code ec, const char* step) {
    if (ec) {
      ++failures;
      if (first_failure.empty()) {
        const auto& diag = j.poller.valid() && !j.poller.diag().empty() ? j.poller.diag() : j.diag;
        first_failure = j.cluster.to_string() + ": " + step + ": " + ec.message() + " " + diag.to_string();
      }
    } else {
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - j.start).count());
    }
    if (next_ < clusters_.size()) launch(next_++);
  }

  model::clusters_client clusters_client_;
  model::extensions_client extensions_;
  model::azureml_settings settings_;
  std::vector<resource_id> clusters_;
  std::string extension_;
  std::size_t concurrency_;
  std::size_t next_ = 0;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) try {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return usage();
    std::string value = argv[++i];
    if (flag == "--endpoints") opt.endpoints_file = value;
    else if (flag == "--clusters-file") opt.clusters_file = value;
    else if (flag == "--extension") opt.extension = value;
    else if (flag == "--concurrency") opt.concurrency = static_cast<std::size_t>(std::atol(value.c_str()));
    else if (flag == "--poll-ms") opt.poll_ms = std::atol(value.c_str());
    else if (flag == "--bodies-out") opt.bodies_out = value;
    else return usage();
  }
  if (opt.endpoints_file.empty() || opt.clusters_file.empty() || opt.extension.empty() || opt.concurrency == 0)
    return usage();

  std::string ready;
  if (opt.endpoints_file == "-") {
    ready = read_all(std::cin);
  } else {
    std::ifstream in(opt.endpoints_file);
    ready = read_all(in);
  }
  const auto ep = boost::json::parse(ready.substr(0, ready.find('\n'))).as_object();
  auto field = [&](const char* key) { return std::string(ep.at(key).as_string()); };

  std::vector<resource_id> clusters;
  {
    std::ifstream in(opt.clusters_file);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) clusters.push_back(resource_id::parse(line));
  }
  if (clusters.empty()) {
    std::cerr << "fleet_extensions: no clusters in " << opt.clusters_file << "\n";
    return 2;
  }

  boost::asio::io_context io;
  http::client_options transport_options;
  if (ep.contains("ca_file") && ep.at("ca_file").is_string()) transport_options.ca_file = field("ca_file");
  transport_options.max_connections_per_host = opt.concurrency;
  http::client transport(io.get_executor(), transport_options);
  http::pipeline token_pipeline(transport);
  auto credential = std::make_shared<auth::client_secret_credential>(
      token_pipeline, field("tenant_id"), field("client_id"), secret_string(field("client_secret")), [&] {
        auth::client_secret_options o;
        o.authority_host = field("authority_host");
        return o;
      }());
  auth::bearer_authorizer authorizer(credential, {"https://management.azure.com/.default"});
  counting_sender counted(transport);
  counted.keep_bodies = !opt.bodies_out.empty();
  http::pipeline arm_pipeline(counted, {}, &authorizer);
  arm::client_options arm_options;
  arm_options.endpoint = field("arm_endpoint");
  arm_options.polling.timing.default_delay = std::chrono::milliseconds(opt.poll_ms);
  arm_options.polling.timing.max_delay = std::chrono::seconds(60);
  arm::client arm(arm_pipeline, arm_options);

  fleet f(arm, std::move(clusters), opt.extension, opt.concurrency);
  const auto start = steady::now();
  f.start();
  io.run();
  const double wall = std::chrono::duration<double>(steady::now() - start).count();

  const auto done = f.latencies_ms.size();
  if (!opt.bodies_out.empty()) {
    boost::json::object bodies;
    for (const auto& [extension_id, body] : counted.bodies) {
      const auto cut = extension_id.find("/providers/Microsoft.KubernetesConfiguration/");
      bodies[extension_id.substr(0, cut)] = boost::json::parse(body);
    }
    std::ofstream out(opt.bodies_out);
    out << boost::json::serialize(bodies) << "\n";
  }
  if (!f.first_failure.empty()) std::cerr << "first failure: " << f.first_failure << "\n";

  boost::json::object result;
  result["side"] = "amlk8s";
  result["clusters"] = done + f.failures;
  result["succeeded"] = done;
  result["failures"] = f.failures;
  result["concurrency"] = opt.concurrency;
  result["wall_s"] = wall;
  result["ops_per_s"] = static_cast<double>(done) / wall;
  result["p50_ms"] = percentile(f.latencies_ms, 0.50);
  result["p99_ms"] = percentile(f.latencies_ms, 0.99);
  result["requests"] = counted.requests;
  std::cout << boost::json::serialize(result) << std::endl;
  return f.failures == 0 ? 0 : 1;
} catch (const amlk8s::error& e) {
  std::cerr << "fleet_extensions: " << e.what() << " " << e.diag().to_string() << "\n";
  return 1;
} catch (const std::exception& e) {
  std::cerr << "fleet_extensions: " << e.what() << "\n";
  return 1;
}
