// Kubernetes resource.Quantity (contracts/kubernetes.md §4.1–4.2): "500m", "1.5Gi", "1e3".
//
// A quantity is an exact decimal value, rounded up (away from zero) to 1n at parse time, plus the
// format it prints in. Two quantities compare by value, never by text: 1Gi == 1024Mi.
//
// Where amlk8s differs from apimachinery, on purpose:
//  - Inputs with no digit at all are rejected as the grammar says, where apimachinery reads some
//    of them ("+", "Ki", "m") as zero: no digit and no '.' is a shape mismatch, a lone '.' (".",
//    "-.", ".Ki") is a bad number.
//  - Limits instead of unbounded big numbers: at most 38 significant digits and a magnitude below
//    1e1000 (quantity::max_digits, quantity::max_magnitude_exponent). 1e30 and 1e-30 are fine (the
//    latter rounds up to 1n); "1e5000" is rejected as out_of_range where apimachinery would wrap
//    its 32-bit exponent. Arithmetic whose exact result breaks these limits throws.
//  - DecimalSI values of 1e21 and more print with the E suffix ("1000E"), where apimachinery drops
//    the exponent and prints "1" (contract §4.2 quirk (b)).
//  - value() and milli_value() round away from zero for negative values too and saturate at the
//    int64 limits; apimachinery's results for negatives depend on its internal representation, and
//    it wraps on overflow.
//  - A bare JSON number is read from its double, not from its text: 1e3 written as a number reads
//    as "1000" (DecimalSI), as the text "1e3" would not.
#pragma once

#include <amlk8s/core/error.hpp>

#include <boost/json/fwd.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s {

namespace detail {
__extension__ typedef __int128 quantity_int128;
}  // namespace detail

/// How a quantity prints: the suffix family of its input (Kubernetes' Format).
enum class quantity_format {
  decimal_si = 0,        ///< n u m "" k M G T P E
  binary_si = 1,         ///< Ki Mi Gi Ti Pi Ei
  decimal_exponent = 2,  ///< e3, E-6
};

/// Why a text is not a quantity. The first three are Kubernetes' own errors.
enum class quantity_error {
  none = 0,
  shape_mismatch = 1,  ///< not of the form number + suffix at all ("abc", " 1", "1 Gi", "")
  bad_suffix = 2,      ///< the suffix is unknown ("1K", "1ki", "1e", "1m1")
  bad_number = 3,      ///< the numeric part has no digit (".")
  out_of_range = 4,    ///< beyond amlk8s' limits (more than 38 significant digits, or |v| >= 1e1000)
};

/// Kubernetes' message for `e`, e.g. "unable to parse quantity's suffix" (empty for none).
std::string_view quantity_error_message(quantity_error e) noexcept;

/// A Kubernetes resource quantity: exact value, rounded up to 1n, with the format it prints in.
class quantity {
 public:
  /// Most significant digits a value may have.
  static constexpr int max_digits = 38;
  /// Every value is below 10^max_magnitude_exponent in magnitude.
  static constexpr int max_magnitude_exponent = 1000;

  /// Zero, DecimalSI.
  quantity() noexcept = default;

  /// Parses `text` as Kubernetes does (no surrounding whitespace); throws amlk8s::error
  /// (errc::invalid_argument) naming `field` (default "quantity") and quoting the input.
  static quantity parse(std::string_view text, std::string_view field = {});
  /// As parse, but reports a failure in `diag` and returns nullopt.
  static std::optional<quantity> try_parse(std::string_view text, diagnostics& diag, std::string_view field = {});
  /// As parse, but reports only the kind of failure (`kind` is set to none on success).
  static std::optional<quantity> try_parse(std::string_view text, quantity_error& kind);

  /// `value` whole units.
  static quantity from_int(std::int64_t value, quantity_format format = quantity_format::decimal_si) noexcept;
  /// `value` thousandths of a unit.
  static quantity from_milli(std::int64_t value, quantity_format format = quantity_format::decimal_si) noexcept;
  /// value·10^exponent, rounded up (away from zero) to 1n; throws amlk8s::error when out of range.
  static quantity from_scaled(std::int64_t value, int exponent,
                              quantity_format format = quantity_format::decimal_si);

  /// The format this quantity prints in.
  quantity_format format() const noexcept { return format_; }
  /// True for 0, -0, 0.0, 0Ki...
  bool is_zero() const noexcept { return mantissa_ == 0; }
  /// -1, 0 or 1.
  int sign() const noexcept { return mantissa_ < 0 ? -1 : (mantissa_ > 0 ? 1 : 0); }

  /// Whole units, rounded away from zero (100m -> 1), saturated to the int64 range.
  std::int64_t value() const noexcept { return scaled_value(0); }
  /// Thousandths of a unit, rounded away from zero (0.6 -> 600), saturated to the int64 range.
  std::int64_t milli_value() const noexcept { return scaled_value(-3); }
  /// The value in units of 10^exponent, rounded away from zero, saturated to the int64 range.
  std::int64_t scaled_value(int exponent) const noexcept;

  /// What kubectl prints: the input text when it was already close to canonical (contract §4.2
  /// quirk (a): "+1", "00100", "1.G" stay as written), the canonical form otherwise.
  std::string to_string() const;
  /// The canonical form computed from value and format alone ("+1" -> "1").
  std::string canonical_string() const;

  /// The same value, printed in `format` (any kept input text is dropped).
  quantity with_format(quantity_format format) const noexcept;

  /// Exact sum; the format is the left operand's unless that is zero. Throws when out of range.
  quantity& operator+=(const quantity& other);
  /// Exact difference; the format is the left operand's unless that is zero. Throws when out of range.
  quantity& operator-=(const quantity& other);
  /// Exact product with a whole number. Throws when out of range.
  quantity& operator*=(std::int64_t factor);

  /// Sum by value.
  friend quantity operator+(quantity a, const quantity& b) { return a += b; }
  /// Difference by value.
  friend quantity operator-(quantity a, const quantity& b) { return a -= b; }
  /// Product with a whole number.
  friend quantity operator*(quantity a, std::int64_t factor) { return a *= factor; }
  /// Product with a whole number.
  friend quantity operator*(std::int64_t factor, quantity a) { return a *= factor; }
  /// Negation; keeps the format.
  quantity operator-() const noexcept;

  /// Equal values, whatever the format or text (1Gi == 1024Mi).
  friend bool operator==(const quantity& a, const quantity& b) noexcept {
    return a.mantissa_ == b.mantissa_ && a.exponent_ == b.exponent_;
  }
  /// Orders by value; weak because equal values may print differently.
  friend std::weak_ordering operator<=>(const quantity& a, const quantity& b) noexcept;

  /// A hash of the value, consistent with ==.
  std::size_t hash() const noexcept;

 private:
  friend struct quantity_access;

  // value = mantissa_ * 10^exponent_, with no trailing zero in mantissa_ (0 has exponent 0), so
  // that equal values have equal members.
  detail::quantity_int128 mantissa_ = 0;
  std::int32_t exponent_ = 0;
  quantity_format format_ = quantity_format::decimal_si;
  // The input, when to_string must echo it (quirk (a)); empty otherwise.
  std::string text_;
};

/// Writes q.to_string().
std::ostream& operator<<(std::ostream& os, const quantity& q);

/// JSON output: the string to_string() gives, as Kubernetes marshals it.
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const quantity& q);
/// JSON input: a string (surrounding whitespace trimmed), an integer, a double (read as its
/// shortest round-trip text, so 0.5 is "0.5"), or null for zero. Throws amlk8s::error.
quantity tag_invoke(boost::json::value_to_tag<quantity>, const boost::json::value& jv);

}  // namespace amlk8s

/// Hashes by value, consistent with ==.
template <>
struct std::hash<amlk8s::quantity> {
  std::size_t operator()(const amlk8s::quantity& q) const noexcept { return q.hash(); }
};
