// Building ARM request targets. ARM ids are kept unencoded everywhere in amlk8s (that is how the
// service returns them); encoding happens once, here, when a URL is made.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace amlk8s::arm {

/// Percent-encodes one path segment: everything but unreserved characters and `!$'()*,:@` is
/// encoded, '%' included, so raw names can never be mistaken for escapes.
std::string encode_path_segment(std::string_view segment);

/// Percent-encodes one query name or value (space becomes %20, never '+').
std::string encode_query_component(std::string_view component);

/// Encodes an unencoded ARM path ("/subscriptions/.../resourceGroups/my rg") segment by segment.
/// Throws amlk8s::error (invalid_argument) when the path does not start with '/' or has an empty
/// segment, which would address a different resource than intended.
std::string encode_path(std::string_view path);

/// Joins raw segments into an unencoded ARM path: make_path({"subscriptions", sub, "resourceGroups", rg}).
/// Throws amlk8s::error (invalid_argument) for an empty segment or one that contains '/' or '?',
/// naming the offending position.
std::string make_path(std::initializer_list<std::string_view> segments);

/// True for "http://..." and "https://..." (case-insensitive scheme).
bool is_absolute_url(std::string_view target) noexcept;

}  // namespace amlk8s::arm
