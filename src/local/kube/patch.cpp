#include "patch.hpp"

#include "status.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace amlk8s::local::kube::detail {

boost::json::value merge_patch(const boost::json::value& target, const boost::json::value& patch) {
  if (!patch.is_object()) return patch;
  boost::json::object result = target.is_object() ? target.get_object() : boost::json::object();
  for (const auto& [key, value] : patch.get_object()) {
    if (value.is_null()) {
      result.erase(key);
    } else {
      const auto* current = result.if_contains(key);
      result[key] = merge_patch(current ? *current : boost::json::value(), value);
    }
  }
  return result;
}

namespace {

[[noreturn]] void patch_failed(std::string message) {
  // apiserver: a JSON patch that does not apply is a 422 with the library's message.
  boost::json::object cause;
  cause["message"] = message;
  boost::json::object details;
  details["causes"] = boost::json::array{cause};
  throw api_error(422, "Invalid", std::move(message), std::move(details));
}

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  if (pointer.front() != '/') patch_failed("invalid JSON pointer: \"" + std::string(pointer) + "\"");
  pointer.remove_prefix(1);
  for (;;) {
    auto slash = pointer.find('/');
    std::string token;
    auto raw = pointer.substr(0, slash);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    out.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash + 1);
  }
  return out;
}

bool array_index(const std::string& token, std::size_t limit, std::size_t& out) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  return ec == std::errc() && ptr == token.data() + token.size() && out <= limit;
}

// The container that holds the last token of `path`, or nullptr.
boost::json::value* parent_of(boost::json::value& doc, const std::vector<std::string>& tokens) {
  boost::json::value* cur = &doc;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (auto* o = cur->if_object()) {
      cur = o->if_contains(tokens[i]);
    } else if (auto* a = cur->if_array()) {
      std::size_t idx = 0;
      cur = array_index(tokens[i], a->size() - 1, idx) && !a->empty() ? &(*a)[idx] : nullptr;
    } else {
      cur = nullptr;
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

boost::json::value* find(boost::json::value& doc, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return &doc;
  auto* parent = parent_of(doc, tokens);
  if (parent == nullptr) return nullptr;
  if (auto* o = parent->if_object()) return o->if_contains(tokens.back());
  if (auto* a = parent->if_array()) {
    std::size_t idx = 0;
    if (!a->empty() && array_index(tokens.back(), a->size() - 1, idx)) return &(*a)[idx];
  }
  return nullptr;
}

void add(boost::json::value& doc, const std::vector<std::string>& tokens, boost::json::value value, std::string_view path) {
  if (tokens.empty()) {
    doc = std::move(value);
    return;
  }
  auto* parent = parent_of(doc, tokens);
  if (parent == nullptr) patch_failed("add operation does not apply: doc is missing path: \"" + std::string(path) + "\"");
  if (auto* o = parent->if_object()) {
    (*o)[tokens.back()] = std::move(value);
  } else if (auto* a = parent->if_array()) {
    std::size_t idx = a->size();
    if (tokens.back() != "-" && !array_index(tokens.back(), a->size(), idx))
      patch_failed("add operation does not apply: index out of bounds: \"" + std::string(path) + "\"");
    a->insert(a->begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
  } else {
    patch_failed("add operation does not apply: doc is missing path: \"" + std::string(path) + "\"");
  }
}

boost::json::value remove(boost::json::value& doc, const std::vector<std::string>& tokens, std::string_view op,
                          std::string_view path) {
  auto missing = [&] {
    patch_failed(std::string(op) + " operation does not apply: doc is missing path: \"" + std::string(path) + "\": missing value");
  };
  if (tokens.empty()) missing();
  auto* parent = parent_of(doc, tokens);
  if (parent == nullptr) missing();
  if (auto* o = parent->if_object()) {
    auto it = o->find(tokens.back());
    if (it == o->end()) missing();
    boost::json::value v = it->value();
    o->erase(it);
    return v;
  }
  if (auto* a = parent->if_array()) {
    std::size_t idx = 0;
    if (a->empty() || !array_index(tokens.back(), a->size() - 1, idx)) missing();
    boost::json::value v = (*a)[idx];
    a->erase(a->begin() + static_cast<std::ptrdiff_t>(idx));
    return v;
  }
  missing();
  return {};
}

std::string string_member(const boost::json::object& op, std::string_view key) {
  const auto* v = op.if_contains(key);
  if (v == nullptr || !v->is_string()) throw bad_request("json patch operation is missing '" + std::string(key) + "'");
  return std::string(v->get_string());
}

}  // namespace

boost::json::value json_patch(boost::json::value document, const boost::json::value& operations) {
  if (!operations.is_array()) throw bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  for (const auto& item : operations.get_array()) {
    if (!item.is_object()) throw bad_request("json patch operations must be objects");
    const auto& op = item.get_object();
    auto name = string_member(op, "op");
    auto path = string_member(op, "path");
    auto tokens = pointer_tokens(path);
    const auto* value = op.if_contains("value");
    auto need_value = [&]() -> const boost::json::value& {
      if (value == nullptr) throw bad_request(name + " operation is missing 'value'");
      return *value;
    };
    if (name == "add") {
      add(document, tokens, need_value(), path);
    } else if (name == "remove") {
      remove(document, tokens, "remove", path);
    } else if (name == "replace") {
      auto* target = find(document, tokens);
      if (target == nullptr)
        patch_failed("replace operation does not apply: doc is missing key: " + std::string(path) + ": missing value");
      *target = need_value();
    } else if (name == "move" || name == "copy") {
      auto from = string_member(op, "from");
      auto from_tokens = pointer_tokens(from);
      boost::json::value moved;
      if (name == "move") {
        moved = remove(document, from_tokens, "move", from);
      } else {
        auto* source = find(document, from_tokens);
        if (source == nullptr) patch_failed("copy operation does not apply: doc is missing from path: " + from + ": missing value");
        moved = *source;
      }
      add(document, tokens, std::move(moved), path);
    } else if (name == "test") {
      auto* target = find(document, tokens);
      if (target == nullptr || *target != need_value())
        patch_failed("testing value " + path + " failed: test failed");
    } else {
      throw bad_request("Unexpected kind: " + name);
    }
  }
  return document;
}

}  // namespace amlk8s::local::kube::detail
