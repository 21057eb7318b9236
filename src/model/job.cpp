// The command job value type: validation, the `az ml job create -f` YAML (contracts/
// aml-workspace-and-auth.md §3.4), the REST body and its reading (§2.2-2.4).
#include <amlk8s/model/job.hpp>

#include "model/instance_type_yaml.hpp"
#include "model/wire.hpp"

#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/http/message.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <cctype>
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>

namespace amlk8s::model {

namespace json = boost::json;

bool is_terminal_job_status(std::string_view status) noexcept {
  for (auto s : {"Completed", "Failed", "Canceled", "NotResponding", "Paused"})
    if (http::iequals(status, s)) return true;
  return false;
}

namespace {

// §3.4 YAML mode → §2.2 REST mode.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> modes{{{"ro_mount", "ReadOnlyMount"},
                                                                            {"rw_mount", "ReadWriteMount"},
                                                                            {"download", "Download"},
                                                                            {"direct", "Direct"},
                                                                            {"eval_mount", "EvalMount"},
                                                                            {"eval_download", "EvalDownload"},
                                                                            {"upload", "Upload"}}};
constexpr std::array<std::string_view, 6> data_types{"uri_file",     "uri_folder",   "mltable",
                                                     "custom_model", "mlflow_model", "triton_model"};

std::optional<std::string_view> rest_mode(std::string_view yaml) {
  for (const auto& [y, r] : modes)
    if (y == yaml) return r;
  return std::nullopt;
}
std::string yaml_mode(std::string_view rest) {
  for (const auto& [y, r] : modes)
    if (http::iequals(r, rest)) return std::string(y);
  return std::string(rest);
}
bool is_data_type(std::string_view t) {
  for (auto d : data_types)
    if (d == t) return true;
  return false;
}

// §2.2: distributionType on the wire.
std::string rest_distribution(std::string_view t) {
  if (t == "pytorch") return "PyTorch";
  if (t == "tensorflow") return "TensorFlow";
  if (t == "mpi") return "Mpi";
  if (t == "ray") return "Ray";
  return std::string(t);
}

// §2.2: identityType on the wire.
std::string rest_identity(std::string_view t) {
  if (t == "aml_token") return "AMLToken";
  if (t == "managed") return "Managed";
  if (t == "user_identity") return "UserIdentity";
  return std::string(t);
}
std::string yaml_identity(std::string_view t) {
  if (http::iequals(t, "AMLToken")) return "aml_token";
  if (http::iequals(t, "Managed")) return "managed";
  if (http::iequals(t, "UserIdentity")) return "user_identity";
  return std::string(t);
}

bool valid_job_name(std::string_view n) {
  // The service's rule for job ids: letters, digits, '-' and '_', a letter or digit first, at most 255.
  if (n.empty() || n.size() > 255 || !std::isalnum(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

bool valid_shm_size(std::string_view s) {
  // §2.2: <number><b|k|m|g>, above zero.
  static const std::regex re("^[0-9]*[1-9][0-9]*[bkmg]$");
  return std::regex_match(s.begin(), s.end(), re);
}

json::object string_object(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

[[noreturn]] void yaml_error(std::string_view source, std::string field, std::string message, std::string fix) {
  auto e = validation_error({{std::move(field), std::move(message), std::move(fix)}});
  if (!source.empty()) {
    auto d = e.diag();
    d.client_message = "in " + std::string(source) + ": " + d.validation.front().field + ": " + d.validation.front().message;
    throw amlk8s::error(e.code(), std::move(d));
  }
  throw e;
}

// A YAML scalar as text: numbers in their shortest form (0.01, not 1E-2), booleans as true/false.
std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_null()) return {};
  if (v.is_double()) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v.as_double());
    return std::string(buf, r.ptr);
  }
  return json::serialize(v);
}

std::map<std::string, std::string> yaml_string_map(const detail::reader& r, std::string_view key, std::string_view source) {
  std::map<std::string, std::string> out;
  const auto* v = r.find(key);
  if (v == nullptr) return out;
  if (!v->is_object()) yaml_error(source, r.path_of(key), "is not a mapping", "write it as `key: value` lines");
  for (const auto& [k, value] : v->as_object()) {
    if (value.is_object() || value.is_array())
      yaml_error(source, r.path_of(key) + "." + std::string(k), "is not a plain value", "give a string or a number");
    out[std::string(k)] = scalar_text(value);
  }
  return out;
}

std::string read_text_file(const std::filesystem::path& path, std::string_view field, std::string_view source) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    yaml_error(source, std::string(field), "cannot read '" + path.string() + "'", "check the path (relative to the YAML file)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline_environment read_inline_environment(const detail::reader& env, const std::filesystem::path& base,
                                           std::string_view source) {
  inline_environment out;
  out.image = env.string_or_empty("image");
  // The seed documents' older form: environment: {docker: {image: python}}.
  if (out.image.empty())
    if (auto docker = env.child("docker")) out.image = docker->string_or_empty("image");
  if (const auto* conda = env.find("conda_file")) {
    if (conda->is_object()) {
      out.conda_file = detail::json_to_yaml(*conda);
    } else if (conda->is_string()) {
      std::string p(conda->as_string());
      if (p.starts_with("file:")) p = p.substr(5);
      std::filesystem::path path(p);
      out.conda_file = read_text_file(path.is_absolute() ? path : base / path, env.path_of("conda_file"), source);
    }
  }
  if (env.find("build") != nullptr)
    yaml_error(source, env.path_of("build"), "building an image from a context is not supported",
               "build and push the image, then give `image:`");
  if (out.image.empty())
    yaml_error(source, env.path_of("image"), "the inline environment has no image",
               "add `image: <container image>` (or reference an environment: azureml:<name>:<version>)");
  return out;
}

command_job job_from_yaml(const json::value& doc, const std::filesystem::path& base, std::string_view source) {
  if (!doc.is_object())
    yaml_error(source, "(document)", "the job file is not a mapping", "write the job as YAML keys (command:, environment:, ...)");
  detail::reader r(doc.as_object(), {});
  const auto type = r.find("type") ? scalar_text(*r.find("type")) : std::string("command");
  if (type != "command")
    yaml_error(source, "type", "'" + type + "' jobs are not supported", "use `type: command` (the default)");
  command_job j;
  j.name = r.find("name") ? scalar_text(*r.find("name")) : std::string();
  j.display_name = r.string_or_empty("display_name");
  j.experiment_name = r.string_or_empty("experiment_name");
  j.description = r.string_or_empty("description");
  j.tags = yaml_string_map(r, "tags", source);
  j.properties = yaml_string_map(r, "properties", source);
  if (const auto* c = r.find("command")) j.command = scalar_text(*c);
  if (const auto* code = r.find("code")) j.code = scalar_text(*code);
  if (const auto* env = r.find("environment")) {
    if (env->is_string())
      j.environment = std::string(env->as_string());
    else if (env->is_object())
      j.environment_inline = read_inline_environment(detail::reader(env->as_object(), "environment"), base, source);
    else
      yaml_error(source, "environment", "is neither a reference nor a mapping",
                 "write azureml:<name>:<version>, or a mapping with image:");
  }
  if (const auto* c = r.find("compute")) j.compute = scalar_text(*c);
  if (auto res = r.child("resources")) {
    j.instance_type = res->string_or_empty("instance_type");
    if (auto n = res->integer("instance_count")) j.instance_count = static_cast<int>(*n);
    if (const auto* shm = res->find("shm_size")) j.shm_size = scalar_text(*shm);
    j.docker_args = res->string_or_empty("docker_args");
  }
  j.environment_variables = yaml_string_map(r, "environment_variables", source);
  if (auto inputs = r.child("inputs")) {
    for (const auto& [k, v] : inputs->object()) {
      job_input in;
      if (v.is_object()) {
        detail::reader i(v.as_object(), inputs->path_of(k));
        in.type = i.string("type").value_or("uri_folder");
        if (const auto* value = i.find("value")) in.value = scalar_text(*value);
        in.path = i.string_or_empty("path");
        in.mode = i.string_or_empty("mode");
        in.description = i.string_or_empty("description");
        if (in.type == "literal" || (!i.find("type") && i.find("value"))) in.type = "literal";
      } else {
        in.value = scalar_text(v);
      }
      j.inputs.emplace(std::string(k), std::move(in));
    }
  }
  if (auto outputs = r.child("outputs")) {
    for (const auto& [k, v] : outputs->object()) {
      job_output out;
      if (v.is_object()) {
        detail::reader o(v.as_object(), outputs->path_of(k));
        out.type = o.string("type").value_or("uri_folder");
        out.path = o.string_or_empty("path");
        out.mode = o.string_or_empty("mode");
        out.description = o.string_or_empty("description");
      }
      j.outputs.emplace(std::string(k), std::move(out));
    }
  }
  if (auto limits = r.child("limits"))
    if (auto t = limits->integer("timeout")) j.timeout = std::chrono::seconds(*t);
  if (auto d = r.child("distribution")) {
    job_distribution dist;
    dist.type = d->string_or_empty("type");
    if (auto n = d->integer("process_count_per_instance")) dist.process_count_per_instance = static_cast<int>(*n);
    if (auto n = d->integer("worker_count")) dist.worker_count = static_cast<int>(*n);
    if (auto n = d->integer("parameter_server_count")) dist.parameter_server_count = static_cast<int>(*n);
    j.distribution = std::move(dist);
  }
  if (auto id = r.child("identity")) j.identity = id->string_or_empty("type");
  return j;
}

// ISO-8601 durations as the service writes limits.timeout: PT5M, PT1H30M, PT300S, P1DT2H.
std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  static const std::regex re("^P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)(?:\\.[0-9]+)?S)?)?$");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, re)) return std::nullopt;
  auto part = [&](int i) { return m[i].matched ? std::stoll(m[i].str()) : 0LL; };
  return std::chrono::seconds(part(1) * 86400 + part(2) * 3600 + part(3) * 60 + part(4));
}

// FNV-1a, 64 bits: a stable content hash (the anonymous environment's version).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

std::vector<validation_issue> command_job::validate() const {
  std::vector<validation_issue> out;
  if (!name.empty() && !valid_job_name(name))
    out.push_back({"name", "'" + name + "' is not a valid job name",
                   "use letters, digits, '-' and '_' (a letter or digit first), or leave it empty for a generated name"});
  if (command.empty()) out.push_back({"command", "the job has no command", "set the command to run, e.g. python train.py"});
  if (environment.empty() && !environment_inline)
    out.push_back({"environment", "the job has no environment",
                   "reference one (azureml:<name>:<version> or azureml:<name>@latest) or give an image"});
  if (!environment.empty() && environment_inline)
    out.push_back({"environment", "both a reference and an inline image are given", "keep one of the two"});
  if (!environment.empty() && !environment_inline && !environment.starts_with("/subscriptions/") &&
      !azureml_reference::is_reference(environment))
    out.push_back({"environment", "'" + environment + "' is not an environment reference",
                   "write azureml:<name>:<version>, azureml:<name>@latest, an ARM id, or give an inline image"});
  if (!environment.empty() && azureml_reference::is_reference(environment)) {
    error_code ec;
    diagnostics d;
    auto ref = azureml_reference::parse(environment, ec, d);
    if (ec)
      out.push_back({"environment", d.client_message, "write azureml:<name>:<version> or azureml:<name>@latest"});
    else if (ref.kind() == azureml_reference::form::name)
      out.push_back({"environment", "'" + environment + "' names no version",
                     "add one: azureml:<name>:<version>, or azureml:<name>@latest"});
  }
  if (compute.empty())
    out.push_back({"compute", "the job has no compute", "set compute: azureml:<your Kubernetes compute>"});
  else if (compute == "local" || compute == "serverless")
    out.push_back({"compute", "'" + compute + "' is not a Kubernetes compute",
                   "set compute: azureml:<your Kubernetes compute>"});
  if (instance_count < 1)
    out.push_back({"resources.instance_count", std::to_string(instance_count) + " is not a positive count", "use 1 or more"});
  if (!shm_size.empty() && !valid_shm_size(shm_size))
    out.push_back({"resources.shm_size", "'" + shm_size + "' is not a size", "write <number><b|k|m|g>, e.g. 2g"});
  if (timeout && timeout->count() <= 0)
    out.push_back({"limits.timeout", "the timeout is not positive", "give seconds above zero"});
  if (!code.empty() && !code.starts_with("/subscriptions/") && !azureml_reference::is_reference(code))
    out.push_back({"code", "'" + code + "' is a local folder; uploading code is not supported",
                   "register the code as a code version and reference it (azureml:<name>:<version>)"});
  for (const auto& [k, in] : inputs) {
    if (in.type != "literal" && !is_data_type(in.type))
      out.push_back({"inputs." + k + ".type", "'" + in.type + "' is not an input type",
                     "use literal, uri_file, uri_folder, mltable, custom_model, mlflow_model or triton_model"});
    if (in.type != "literal" && in.path.empty())
      out.push_back({"inputs." + k + ".path", "the input has no path", "give a URI or azureml: data reference"});
    if (!in.mode.empty() && (!rest_mode(in.mode) || in.mode == "upload"))
      out.push_back({"inputs." + k + ".mode", "'" + in.mode + "' is not an input mode",
                     "use ro_mount, rw_mount, download, direct, eval_mount or eval_download"});
  }
  for (const auto& [k, o] : outputs) {
    if (!is_data_type(o.type))
      out.push_back({"outputs." + k + ".type", "'" + o.type + "' is not an output type",
                     "use uri_file, uri_folder, mltable, custom_model, mlflow_model or triton_model"});
    if (!o.mode.empty() && o.mode != "rw_mount" && o.mode != "upload" && o.mode != "direct")
      out.push_back({"outputs." + k + ".mode", "'" + o.mode + "' is not an output mode", "use rw_mount, upload or direct"});
  }
  // §2.2: `${{inputs.x}}` placeholders must name an input.
  static const std::regex placeholder("\\$\\{\\{\\s*(inputs|outputs)\\.([A-Za-z0-9_]+)\\s*\\}\\}");
  for (auto it = std::sregex_iterator(command.begin(), command.end(), placeholder); it != std::sregex_iterator(); ++it) {
    const auto kind = (*it)[1].str();
    const auto key = (*it)[2].str();
    const bool known = kind == "inputs" ? inputs.contains(key) : outputs.contains(key);
    if (!known)
      out.push_back({"command", "the command uses ${{" + kind + "." + key + "}} but the job has no such " +
                                    (kind == "inputs" ? "input" : "output"),
                     "add " + kind + "." + key + ", or fix the placeholder"});
  }
  if (distribution) {
    const auto& t = distribution->type;
    if (t != "pytorch" && t != "tensorflow" && t != "mpi" && t != "ray")
      out.push_back({"distribution.type", "'" + t + "' is not a distribution", "use pytorch, tensorflow, mpi or ray"});
  }
  if (!identity.empty() && identity != "aml_token" && identity != "managed" && identity != "user_identity")
    out.push_back({"identity.type", "'" + identity + "' is not an identity type", "use aml_token, managed or user_identity"});
  return out;
}

command_job command_job::from_yaml(std::string_view text, std::string_view source) {
  auto docs = detail::yaml_documents(text, source);
  if (docs.size() != 1)
    yaml_error(source, "(document)", "the file holds " + std::to_string(docs.size()) + " documents", "keep one job per file");
  std::filesystem::path base = source.empty() ? std::filesystem::path(".") : std::filesystem::path(source).parent_path();
  if (base.empty()) base = ".";
  return job_from_yaml(docs.front(), base, source);
}

command_job command_job::load_file(const std::filesystem::path& path) {
  return from_yaml(read_text_file(path, "file", path.string()), path.string());
}

json::value command_job::to_json(std::string_view compute_id_value, std::string_view environment_id_value,
                                 std::string_view code_id) const {
  json::object p;
  p["jobType"] = "Command";
  if (!display_name.empty()) p["displayName"] = display_name;
  if (!description.empty()) p["description"] = description;
  p["experimentName"] = experiment_name.empty() ? "Default" : experiment_name;
  if (!tags.empty()) p["tags"] = string_object(tags);
  if (!properties.empty()) p["properties"] = string_object(properties);
  p["computeId"] = compute_id_value;
  p["environmentId"] = environment_id_value;
  if (!code_id.empty()) p["codeId"] = code_id;
  p["command"] = command;
  if (!environment_variables.empty()) p["environmentVariables"] = string_object(environment_variables);
  json::object res{{"instanceCount", instance_count}};
  if (!instance_type.empty()) res["instanceType"] = instance_type;
  if (!shm_size.empty()) res["shmSize"] = shm_size;
  if (!docker_args.empty()) res["dockerArgs"] = docker_args;
  p["resources"] = std::move(res);
  if (timeout)
    p["limits"] = json::object{{"jobLimitsType", "Command"}, {"timeout", "PT" + std::to_string(timeout->count()) + "S"}};
  if (!inputs.empty()) {
    json::object o;
    for (const auto& [k, in] : inputs) {
      json::object v{{"jobInputType", in.type}};
      if (in.type == "literal") {
        v["value"] = in.value;
      } else {
        v["uri"] = in.path;
        if (auto m = rest_mode(in.mode)) v["mode"] = *m;
      }
      if (!in.description.empty()) v["description"] = in.description;
      o[k] = std::move(v);
    }
    p["inputs"] = std::move(o);
  }
  if (!outputs.empty()) {
    json::object o;
    for (const auto& [k, out] : outputs) {
      json::object v{{"jobOutputType", out.type}};
      if (!out.path.empty()) v["uri"] = out.path;
      if (auto m = rest_mode(out.mode)) v["mode"] = *m;
      if (!out.description.empty()) v["description"] = out.description;
      o[k] = std::move(v);
    }
    p["outputs"] = std::move(o);
  }
  if (distribution) {
    json::object d{{"distributionType", rest_distribution(distribution->type)}};
    if (distribution->process_count_per_instance) d["processCountPerInstance"] = *distribution->process_count_per_instance;
    if (distribution->worker_count) d["workerCount"] = *distribution->worker_count;
    if (distribution->parameter_server_count) d["parameterServerCount"] = *distribution->parameter_server_count;
    p["distribution"] = std::move(d);
  }
  if (!identity.empty()) p["identity"] = json::object{{"identityType", rest_identity(identity)}};
  return json::object{{"properties", std::move(p)}};
}

command_job command_job::from_json(const json::value& body) {
  const auto root = detail::reader::root(body, "job");
  command_job j;
  j.name = root.string_or_empty("name");
  j.id = root.string_or_empty("id");
  if (auto sd = root.child("systemData")) j.created_at = sd->string_or_empty("createdAt");
  auto props = root.child("properties");
  if (!props) return j;
  j.display_name = props->string_or_empty("displayName");
  j.experiment_name = props->string_or_empty("experimentName");
  j.description = props->string_or_empty("description");
  j.tags = props->string_map("tags");
  j.properties = props->string_map("properties");
  j.status = props->string_or_empty("status");
  j.command = props->string_or_empty("command");
  j.compute_id = props->string_or_empty("computeId");
  j.compute = j.compute_id;
  j.environment_id = props->string_or_empty("environmentId");
  j.environment = j.environment_id;
  j.code = props->string_or_empty("codeId");
  j.environment_variables = props->string_map("environmentVariables");
  if (auto res = props->child("resources")) {
    j.instance_type = res->string_or_empty("instanceType");
    if (auto n = res->integer("instanceCount")) j.instance_count = static_cast<int>(*n);
    j.shm_size = res->string_or_empty("shmSize");
    j.docker_args = res->string_or_empty("dockerArgs");
  }
  if (auto limits = props->child("limits"))
    if (auto t = limits->string("timeout")) j.timeout = parse_duration(*t);
  if (auto inputs = props->child("inputs")) {
    for (const auto& [k, v] : inputs->object()) {
      if (!v.is_object()) continue;
      detail::reader i(v.as_object(), inputs->path_of(k));
      job_input in;
      in.type = i.string_or_empty("jobInputType");
      if (const auto* value = i.find("value")) in.value = scalar_text(*value);
      in.path = i.string_or_empty("uri");
      if (auto m = i.string("mode")) in.mode = yaml_mode(*m);
      in.description = i.string_or_empty("description");
      j.inputs.emplace(std::string(k), std::move(in));
    }
  }
  if (auto outputs = props->child("outputs")) {
    for (const auto& [k, v] : outputs->object()) {
      if (!v.is_object()) continue;
      detail::reader o(v.as_object(), outputs->path_of(k));
      job_output out;
      out.type = o.string_or_empty("jobOutputType");
      out.path = o.string_or_empty("uri");
      if (auto m = o.string("mode")) out.mode = yaml_mode(*m);
      out.description = o.string_or_empty("description");
      j.outputs.emplace(std::string(k), std::move(out));
    }
  }
  if (auto d = props->child("distribution")) {
    job_distribution dist;
    dist.type = detail::to_lower(d->string_or_empty("distributionType"));
    if (auto n = d->integer("processCountPerInstance")) dist.process_count_per_instance = static_cast<int>(*n);
    if (auto n = d->integer("workerCount")) dist.worker_count = static_cast<int>(*n);
    if (auto n = d->integer("parameterServerCount")) dist.parameter_server_count = static_cast<int>(*n);
    j.distribution = std::move(dist);
  }
  if (auto id = props->child("identity")) j.identity = yaml_identity(id->string_or_empty("identityType"));
  if (auto services = props->child("services"))
    if (auto studio = services->child("Studio")) j.studio_url = studio->string_or_empty("endpoint");
  return j;
}

std::string to_string(const command_job& j) {
  std::ostringstream os;
  os << "job " << j.name;
  if (!j.status.empty()) os << " (" << j.status << ")";
  os << "\n  command:       " << j.command << "\n";
  if (!j.compute.empty()) os << "  compute:       " << j.compute << "\n";
  os << "  instance type: " << (j.instance_type.empty() ? std::string("(default)") : j.instance_type) << " x"
     << j.instance_count << "\n";
  if (!j.environment.empty()) os << "  environment:   " << j.environment << "\n";
  if (j.environment_inline) os << "  image:         " << j.environment_inline->image << "\n";
  if (!j.studio_url.empty()) os << "  studio:        " << j.studio_url << "\n";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const command_job& job) { return os << to_string(job); }

std::string anonymous_environment_version(const inline_environment& env) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a(env.image + '\n' + env.conda_file)));
  return hex;
}

json::value anonymous_environment_body(const inline_environment& env) {
  // §2.4: properties {image, condaFile, osType: Linux, isAnonymous: true}.
  json::object p{{"image", env.image}, {"osType", "Linux"}, {"isAnonymous", true}};
  if (!env.conda_file.empty()) p["condaFile"] = env.conda_file;
  return json::object{{"properties", std::move(p)}};
}

}  // namespace amlk8s::model
