#include <amlk8s/core/quantity.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/kind.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <ostream>
#include <utility>

namespace amlk8s {

using i128 = detail::quantity_int128;
__extension__ typedef unsigned __int128 u128;

// The one place that builds and reads the representation; quantity.hpp declares it a friend.
struct quantity_access {
  static quantity make(u128 magnitude, bool negative, std::int64_t exponent, quantity_format format) noexcept {
    quantity q;
    q.mantissa_ = negative ? -static_cast<i128>(magnitude) : static_cast<i128>(magnitude);
    q.exponent_ = magnitude == 0 ? 0 : static_cast<std::int32_t>(exponent);
    q.format_ = format;
    return q;
  }
  static void keep_text(quantity& q, std::string_view text) { q.text_.assign(text); }
  static u128 magnitude(const quantity& q) noexcept {
    return q.mantissa_ < 0 ? static_cast<u128>(-q.mantissa_) : static_cast<u128>(q.mantissa_);
  }
  static std::int64_t exponent(const quantity& q) noexcept { return q.exponent_; }
};

namespace {

constexpr std::array<u128, 39> make_powers_of_ten() {
  std::array<u128, 39> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr auto pow10 = make_powers_of_ten();

constexpr std::int64_t nano_exponent = -9;
constexpr u128 int64_max = static_cast<u128>(std::numeric_limits<std::int64_t>::max());
// BinarySI values are capped at 2^63-1 (in 1n units here, as the parser counts).
constexpr u128 binary_cap_nanos = int64_max * 1'000'000'000u;

// Number of decimal digits of v > 0 (at most 39 for a 128-bit value). bits·1233/4096 estimates
// log10 from the bit width (1233/4096 ≈ log10 2); one comparison corrects it.
int digit_count(u128 v) noexcept {
  const auto high = static_cast<std::uint64_t>(v >> 64);
  const int bits = high != 0 ? 64 + std::bit_width(high) : std::bit_width(static_cast<std::uint64_t>(v));
  const int estimate = (bits * 1233) >> 12;
  return estimate + 1 - (v < pow10[static_cast<std::size_t>(estimate)] ? 1 : 0);
}

constexpr u128 uint64_max = std::numeric_limits<std::uint64_t>::max();

constexpr std::string_view limits_fix = "keep quantities to at most 38 significant digits and below 1e1000";

// A value magnitude·10^exponent in normal form: rounded up to 1n, no trailing zero, within limits.
struct decimal {
  u128 magnitude = 0;
  std::int64_t exponent = 0;
};

std::optional<decimal> normalize(u128 magnitude, std::int64_t exponent) noexcept {
  if (magnitude == 0) return decimal{};
  if (exponent < nano_exponent) {
    const std::int64_t dropped = nano_exponent - exponent;
    if (dropped > 38) {
      magnitude = 1;
    } else {
      const u128 p = pow10[static_cast<std::size_t>(dropped)];
      magnitude = magnitude / p + (magnitude % p != 0 ? 1 : 0);
    }
    exponent = nano_exponent;
  }
  // 128-bit division is a library call; most values fit 64 bits, where it is one instruction.
  while (magnitude > uint64_max && magnitude % 10 == 0) {
    magnitude /= 10;
    ++exponent;
  }
  if (magnitude <= uint64_max) {
    auto small = static_cast<std::uint64_t>(magnitude);
    while (small % 10 == 0) {
      small /= 10;
      ++exponent;
    }
    magnitude = small;
  }
  const int digits = digit_count(magnitude);
  if (digits > quantity::max_digits || digits + exponent > quantity::max_magnitude_exponent) return std::nullopt;
  return decimal{magnitude, exponent};
}

error out_of_range_error(std::string_view what) {
  return validation_error({{"quantity", std::string(what) + ": " +
                                            std::string(quantity_error_message(quantity_error::out_of_range)),
                            std::string(limits_fix)}});
}

quantity make_or_throw(u128 magnitude, bool negative, std::int64_t exponent, quantity_format format,
                       std::string_view what) {
  auto d = normalize(magnitude, exponent);
  if (!d) throw out_of_range_error(what);
  return quantity_access::make(d->magnitude, negative, d->exponent, format);
}

// ---------------------------------------------------------------------------------------------
// Parsing

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_suffix_letter(char c) noexcept {
  switch (c) {
    case 'e': case 'E': case 'i': case 'n': case 'u': case 'm':
    case 'k': case 'K': case 'M': case 'G': case 'T': case 'P':
      return true;
    default:
      return false;
  }
}

struct suffix_meaning {
  quantity_format format;
  std::int64_t exponent;  // of 10 for the decimal formats, of 2 for BinarySI
};

// strconv.ParseInt(s, 10, 64) semantics: optional sign, at least one digit, int64 range.
std::optional<std::int64_t> parse_int64(std::string_view s) noexcept {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
}

std::optional<suffix_meaning> interpret_suffix(std::string_view s) noexcept {
  using enum quantity_format;
  if (s.empty()) return suffix_meaning{decimal_si, 0};
  if (s.size() == 1) {
    switch (s[0]) {
      case 'n': return suffix_meaning{decimal_si, -9};
      case 'u': return suffix_meaning{decimal_si, -6};
      case 'm': return suffix_meaning{decimal_si, -3};
      case 'k': return suffix_meaning{decimal_si, 3};
      case 'M': return suffix_meaning{decimal_si, 6};
      case 'G': return suffix_meaning{decimal_si, 9};
      case 'T': return suffix_meaning{decimal_si, 12};
      case 'P': return suffix_meaning{decimal_si, 15};
      case 'E': return suffix_meaning{decimal_si, 18};
      default: return std::nullopt;
    }
  }
  if (s.size() == 2 && s[1] == 'i') {
    switch (s[0]) {
      case 'K': return suffix_meaning{binary_si, 10};
      case 'M': return suffix_meaning{binary_si, 20};
      case 'G': return suffix_meaning{binary_si, 30};
      case 'T': return suffix_meaning{binary_si, 40};
      case 'P': return suffix_meaning{binary_si, 50};
      case 'E': return suffix_meaning{binary_si, 60};
      default: break;
    }
  }
  if (s[0] == 'e' || s[0] == 'E') {
    auto exponent = parse_int64(s.substr(1));
    if (!exponent) return std::nullopt;
    // Anything this far out is out of range or rounds to 1n either way; clamping keeps the
    // exponent arithmetic below far from overflow.
    constexpr std::int64_t clamp = std::int64_t{1} << 40;
    return suffix_meaning{decimal_exponent, std::clamp(*exponent, -clamp, clamp)};
  }
  return std::nullopt;
}

// The digits of the integer part followed by those of the fraction, without copying them.
struct digit_sequence {
  std::string_view integer;
  std::string_view fraction;

  std::size_t size() const noexcept { return integer.size() + fraction.size(); }
  unsigned operator[](std::size_t i) const noexcept {
    const char c = i < integer.size() ? integer[i] : fraction[i - integer.size()];
    return static_cast<unsigned>(c - '0');
  }
  u128 value(std::size_t first, std::size_t last) const noexcept {
    u128 v = 0;
    for (std::size_t i = first; i < last; ++i) v = v * 10 + (*this)[i];
    return v;
  }
};

// Quirk (a) of the contract: apimachinery's fast path keeps the input text when it was already
// close to canonical. These are its exact conditions; `integer` has its leading zeros removed.
bool keeps_input_text(std::string_view integer, std::string_view fraction, suffix_meaning suffix) noexcept {
  // apimachinery reads an empty integer part as "0", one digit long.
  const auto integer_length = static_cast<std::int64_t>(std::max<std::size_t>(integer.size(), 1));
  if (suffix.format == quantity_format::binary_si) {
    if (!fraction.empty()) return false;
    // 1Ki is about 3 decimal digits, 1Mi about 6, ...: its precision estimate.
    if (15 - integer_length - suffix.exponent * 3 / 10 - 1 < 0) return false;
    const digit_sequence digits{integer, {}};
    return (digits.value(0, integer.size()) & 7) != 0;
  }
  if (integer_length + static_cast<std::int64_t>(fraction.size()) > 18) return false;
  const std::int64_t scale = suffix.exponent - static_cast<std::int64_t>(fraction.size());
  if (scale < nano_exponent || scale % 3 != 0) return false;
  if (integer.empty()) return false;  // the digits would start with the implied '0'
  const digit_sequence digits{integer, fraction};
  const std::size_t n = digits.size();
  return !(n >= 3 && digits[n - 1] == 0 && digits[n - 2] == 0 && digits[n - 3] == 0);
}

// Exact value of D·10^scale·2^binary_exponent in 1n units, rounded up and capped at 2^63-1 units.
// D is digits[first, last), with no leading or trailing zero.
u128 binary_nanos(const digit_sequence& digits, std::size_t first, std::size_t last, std::int64_t scale,
                  std::int64_t binary_exponent) noexcept {
  const auto k = static_cast<std::int64_t>(last - first);
  // Twenty digits before the point, times any binary suffix, are beyond 2^63 already.
  if (k + scale > 19) return binary_cap_nanos;
  const std::uint64_t factor = std::uint64_t{1} << binary_exponent;

  // Split D at the 1n position: a whole number of 1n (`whole`), then the digits below it.
  const std::int64_t below = scale >= nano_exponent ? 0 : nano_exponent - scale;  // digit positions below 1n
  const std::int64_t whole_digits = std::max<std::int64_t>(k - below, 0);
  u128 whole = digits.value(first, first + static_cast<std::size_t>(whole_digits));
  if (scale > nano_exponent) whole *= pow10[static_cast<std::size_t>(scale - nano_exponent)];

  // Multiply the part below 1n by the factor from its last digit up; what carries over the 1n
  // position is its whole part, and any non-zero digit left behind means rounding up.
  std::uint64_t carry = 0;
  bool inexact = false;
  for (auto i = static_cast<std::size_t>(k); i-- > static_cast<std::size_t>(whole_digits);) {
    const std::uint64_t x = digits[first + i] * factor + carry;  // < 10·2^60, fits
    inexact = inexact || x % 10 != 0;
    carry = x / 10;
  }
  for (std::int64_t zeros = below - (k - whole_digits); zeros > 0 && carry != 0; --zeros) {
    inexact = inexact || carry % 10 != 0;
    carry /= 10;
  }
  const u128 fraction = static_cast<u128>(carry) + (inexact ? 1 : 0);

  if (whole > (binary_cap_nanos >> binary_exponent)) return binary_cap_nanos;
  return std::min(whole * factor + fraction, binary_cap_nanos);
}

quantity_error parse_impl(std::string_view text, quantity& out) {
  const std::size_t n = text.size();
  if (n == 0) return quantity_error::shape_mismatch;

  // The scanner follows ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$, with at most one '.'.
  std::size_t pos = 0;
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    ++pos;
  }
  const std::size_t integer_begin = pos;
  while (pos < n && is_digit(text[pos])) ++pos;
  const std::size_t integer_end = pos;
  bool has_point = false;
  std::size_t fraction_begin = pos;
  if (pos < n && text[pos] == '.') {
    has_point = true;
    fraction_begin = ++pos;
    while (pos < n && is_digit(text[pos])) ++pos;
  }
  const std::size_t fraction_end = pos;
  const std::size_t suffix_begin = pos;
  while (pos < n && is_suffix_letter(text[pos])) ++pos;
  if (pos < n && (text[pos] == '+' || text[pos] == '-')) ++pos;
  while (pos < n && is_digit(text[pos])) ++pos;
  if (pos != n) return quantity_error::shape_mismatch;
  if (integer_begin == integer_end && !has_point) return quantity_error::shape_mismatch;

  const auto suffix = interpret_suffix(text.substr(suffix_begin));
  if (!suffix) return quantity_error::bad_suffix;
  if (integer_begin == integer_end && fraction_begin == fraction_end) return quantity_error::bad_number;

  std::string_view integer = text.substr(integer_begin, integer_end - integer_begin);
  while (!integer.empty() && integer.front() == '0') integer.remove_prefix(1);
  const std::string_view fraction = text.substr(fraction_begin, fraction_end - fraction_begin);
  const digit_sequence digits{integer, fraction};

  std::size_t first = 0;
  while (first < digits.size() && digits[first] == 0) ++first;
  std::size_t last = digits.size();
  while (last > first && digits[last - 1] == 0) --last;
  if (first == last) {
    out = quantity_access::make(0, false, 0, suffix->format);
    return quantity_error::none;
  }

  // value = D·10^scale (·2^exponent for BinarySI), D = digits[first, last)
  const bool binary = suffix->format == quantity_format::binary_si;
  const std::int64_t scale = (binary ? 0 : suffix->exponent) - static_cast<std::int64_t>(fraction.size()) +
                             static_cast<std::int64_t>(digits.size() - last);
  const auto k = static_cast<std::int64_t>(last - first);

  std::optional<decimal> value;
  quantity_format format = suffix->format;
  if (binary && scale >= 0 && k + scale <= 19) {
    // A whole number of units (the usual "100Mi"): no need to count in 1n. D·10^scale < 10^19
    // and the factor is at most 2^60, so the product fits 128 bits.
    const u128 units = digits.value(first, last) * pow10[static_cast<std::size_t>(scale)]
                       << suffix->exponent;
    value = normalize(std::min(units, int64_max), 0);
  } else if (binary) {
    const u128 nanos = binary_nanos(digits, first, last, scale, suffix->exponent);
    // A BinarySI value below one unit would print as a fraction anyway.
    if (nanos < pow10[9]) format = quantity_format::decimal_si;
    value = normalize(nanos, nano_exponent);
  } else if (scale >= nano_exponent) {
    if (k > quantity::max_digits) return quantity_error::out_of_range;
    value = normalize(digits.value(first, last), scale);
  } else {
    // Digits below 1n are dropped and the value rounded up; the last digit is never zero, so
    // dropping anything always rounds. Rounding up turns trailing nines into zeros, so they do
    // not count towards the digit limit.
    const std::int64_t kept = k - (nano_exponent - scale);
    if (kept <= 0) {
      value = normalize(1, nano_exponent);
    } else {
      const std::size_t end = first + static_cast<std::size_t>(kept);
      std::size_t head_end = end;
      while (head_end > first && digits[head_end - 1] == 9) --head_end;
      if (head_end - first > static_cast<std::size_t>(quantity::max_digits)) return quantity_error::out_of_range;
      value = normalize(digits.value(first, head_end) + 1, nano_exponent + static_cast<std::int64_t>(end - head_end));
    }
  }
  if (!value) return quantity_error::out_of_range;

  out = quantity_access::make(value->magnitude, negative, value->exponent, format);
  if (keeps_input_text(integer, fraction, *suffix)) quantity_access::keep_text(out, text);
  return quantity_error::none;
}

// The input as it appears in a message: quoted by the caller, control bytes escaped, long inputs cut.
std::string printable(std::string_view text) {
  constexpr std::size_t max_shown = 64;
  std::string out;
  const std::size_t shown = std::min(text.size(), max_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max_shown) out += "...";
  return out;
}

std::string_view fix_for(quantity_error e) noexcept {
  switch (e) {
    case quantity_error::shape_mismatch:
      return "write a number with an optional suffix and no spaces, e.g. 500m, 1.5Gi, 4 or 1e3";
    case quantity_error::bad_suffix:
      return "use one of the suffixes n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3";
    case quantity_error::bad_number:
      return "write at least one digit, e.g. 0.5";
    case quantity_error::out_of_range:
      return limits_fix;
    case quantity_error::none:
      break;
  }
  return {};
}

error parse_error(quantity_error e, std::string_view text, std::string_view field) {
  return validation_error({{field.empty() ? std::string("quantity") : std::string(field),
                            "cannot parse '" + printable(text) + "': " + std::string(quantity_error_message(e)),
                            std::string(fix_for(e))}});
}

// ---------------------------------------------------------------------------------------------
// Printing

void append_digits(std::string& out, u128 v) {
  char buffer[40];
  if (v <= uint64_max) {
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::uint64_t>(v));
    out.append(buffer, r.ptr);
    return;
  }
  char* p = buffer + sizeof buffer;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  out.append(p, buffer + sizeof buffer);
}

std::strong_ordering compare_magnitude(u128 a, std::int64_t ea, u128 b, std::int64_t eb) noexcept {
  // Compare the position of the leading digit first; when it is equal the exponents differ by
  // less than 38 and aligning the two stays below 10^38.
  const std::int64_t top_a = digit_count(a) + ea;
  const std::int64_t top_b = digit_count(b) + eb;
  if (top_a != top_b) return top_a <=> top_b;
  if (ea > eb) a *= pow10[static_cast<std::size_t>(ea - eb)];
  if (eb > ea) b *= pow10[static_cast<std::size_t>(eb - ea)];
  if (a == b) return std::strong_ordering::equal;
  return a < b ? std::strong_ordering::less : std::strong_ordering::greater;
}

}  // namespace

std::string_view quantity_error_message(quantity_error e) noexcept {
  switch (e) {
    case quantity_error::none: return {};
    case quantity_error::shape_mismatch:
      return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    case quantity_error::bad_suffix: return "unable to parse quantity's suffix";
    case quantity_error::bad_number: return "unable to parse numeric part of quantity";
    case quantity_error::out_of_range:
      return "quantity is out of range (at most 38 significant digits, magnitude below 1e1000)";
  }
  return "unknown quantity error";
}

quantity quantity::parse(std::string_view text, std::string_view field) {
  quantity q;
  if (auto e = parse_impl(text, q); e != quantity_error::none) throw parse_error(e, text, field);
  return q;
}

std::optional<quantity> quantity::try_parse(std::string_view text, diagnostics& diag, std::string_view field) {
  quantity q;
  if (auto e = parse_impl(text, q); e != quantity_error::none) {
    diag = parse_error(e, text, field).diag();
    return std::nullopt;
  }
  return q;
}

std::optional<quantity> quantity::try_parse(std::string_view text, quantity_error& kind) {
  quantity q;
  kind = parse_impl(text, q);
  if (kind != quantity_error::none) return std::nullopt;
  return q;
}

quantity quantity::from_int(std::int64_t value, quantity_format format) noexcept {
  return from_scaled(value, 0, format);
}

quantity quantity::from_milli(std::int64_t value, quantity_format format) noexcept {
  return from_scaled(value, -3, format);
}

quantity quantity::from_scaled(std::int64_t value, int exponent, quantity_format format) {
  const auto magnitude = value < 0 ? static_cast<u128>(0 - static_cast<std::uint64_t>(value))
                                   : static_cast<u128>(value);
  return make_or_throw(magnitude, value < 0, exponent, format, "quantity::from_scaled");
}

std::int64_t quantity::scaled_value(int exponent) const noexcept {
  if (mantissa_ == 0) return 0;
  const bool negative = mantissa_ < 0;
  const u128 magnitude = quantity_access::magnitude(*this);
  const std::int64_t shift = static_cast<std::int64_t>(exponent_) - exponent;
  const u128 limit = negative ? int64_max + 1 : int64_max;
  u128 v;
  if (shift >= 0) {
    if (digit_count(magnitude) + shift > 19) {
      v = limit;
    } else {
      v = std::min(magnitude * pow10[static_cast<std::size_t>(shift)], limit);
    }
  } else if (-shift > 38) {
    v = 1;  // a non-zero value below one unit of the scale rounds up to one
  } else {
    const u128 p = pow10[static_cast<std::size_t>(-shift)];
    v = std::min(magnitude / p + (magnitude % p != 0 ? 1 : 0), limit);
  }
  return static_cast<std::int64_t>(negative ? -static_cast<i128>(v) : static_cast<i128>(v));
}

std::string quantity::to_string() const { return text_.empty() ? canonical_string() : text_; }

std::string quantity::canonical_string() const {
  if (mantissa_ == 0) return "0";
  std::string out;
  if (mantissa_ < 0) out += '-';
  const u128 magnitude = quantity_access::magnitude(*this);

  // BinarySI prints as m·1024^k only for whole values of at least 1024; anything else would need
  // a fraction and prints as DecimalSI. Values beyond 10^38 only come from arithmetic, and print
  // as DecimalSI too.
  if (format_ == quantity_format::binary_si && exponent_ >= 0 &&
      digit_count(magnitude) + exponent_ <= max_digits) {
    u128 v = magnitude * pow10[static_cast<std::size_t>(exponent_)];
    if (v >= 1024) {
      static constexpr std::array<std::string_view, 7> suffixes{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      std::size_t k = 0;
      while (k + 1 < suffixes.size() && v % 1024 == 0) {
        v /= 1024;
        ++k;
      }
      append_digits(out, v);
      out += suffixes[k];
      return out;
    }
  }

  // Lower the exponent to a multiple of 3 by appending zeros to the digits.
  const int remainder = ((exponent_ % 3) + 3) % 3;
  int exponent = exponent_ - remainder;
  append_digits(out, magnitude);
  out.append(static_cast<std::size_t>(remainder), '0');
  if (format_ == quantity_format::decimal_exponent) {
    if (exponent != 0) {
      out += 'e';
      out += std::to_string(exponent);
    }
    return out;
  }
  // DecimalSI has no suffix above E (10^18): write the extra zeros instead of dropping them.
  if (exponent > 18) {
    out.append(static_cast<std::size_t>(exponent - 18), '0');
    exponent = 18;
  }
  static constexpr std::array<std::string_view, 10> suffixes{"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  out += suffixes[static_cast<std::size_t>((exponent + 9) / 3)];
  return out;
}

quantity quantity::with_format(quantity_format format) const noexcept {
  quantity q;
  q.mantissa_ = mantissa_;
  q.exponent_ = exponent_;
  q.format_ = format;
  return q;
}

namespace {

quantity add(const quantity& a, const quantity& b, bool subtract) {
  // Kubernetes keeps the left operand's format unless it is zero.
  const quantity_format format = a.is_zero() ? b.format() : a.format();
  const bool b_negative = subtract ? b.sign() > 0 : b.sign() < 0;
  if (b.is_zero()) return a.with_format(format);
  if (a.is_zero()) {
    return quantity_access::make(quantity_access::magnitude(b), b_negative, quantity_access::exponent(b), format);
  }
  const std::int64_t ea = quantity_access::exponent(a);
  const std::int64_t eb = quantity_access::exponent(b);
  const std::int64_t exponent = std::min(ea, eb);
  u128 ma = quantity_access::magnitude(a);
  u128 mb = quantity_access::magnitude(b);
  // Aligning that overflows 128 bits leaves a result of more than 38 digits (the other operand's
  // last digit is not zero), so failing here is exact.
  auto align = [](u128& m, std::int64_t shift) {
    return shift <= 38 && !__builtin_mul_overflow(m, pow10[static_cast<std::size_t>(shift)], &m);
  };
  const char* what = subtract ? "quantity subtraction" : "quantity addition";
  if (!align(ma, ea - exponent) || !align(mb, eb - exponent)) throw out_of_range_error(what);
  const bool a_negative = a.sign() < 0;
  u128 magnitude;
  bool negative;
  if (a_negative == b_negative) {
    if (__builtin_add_overflow(ma, mb, &magnitude)) throw out_of_range_error(what);
    negative = a_negative;
  } else if (ma >= mb) {
    magnitude = ma - mb;
    negative = a_negative;
  } else {
    magnitude = mb - ma;
    negative = b_negative;
  }
  return make_or_throw(magnitude, negative, exponent, format, what);
}

}  // namespace

quantity& quantity::operator+=(const quantity& other) { return *this = add(*this, other, false); }

quantity& quantity::operator-=(const quantity& other) { return *this = add(*this, other, true); }

quantity& quantity::operator*=(std::int64_t factor) {
  if (mantissa_ == 0 || factor == 0) return *this = quantity_access::make(0, false, 0, format_);
  const bool negative = (mantissa_ < 0) != (factor < 0);
  u128 a = quantity_access::magnitude(*this);
  std::uint64_t b = factor < 0 ? 0 - static_cast<std::uint64_t>(factor) : static_cast<std::uint64_t>(factor);
  std::int64_t exponent = exponent_;
  // Take every factor of ten out of the product first, so that a product that overflows 128 bits
  // really has more than 38 significant digits.
  while (b % 10 == 0) {
    b /= 10;
    ++exponent;
  }
  while (a % 2 == 0 && b % 5 == 0) {
    a /= 2;
    b /= 5;
    ++exponent;
  }
  while (a % 5 == 0 && b % 2 == 0) {
    a /= 5;
    b /= 2;
    ++exponent;
  }
  u128 product;
  if (__builtin_mul_overflow(a, static_cast<u128>(b), &product)) throw out_of_range_error("quantity multiplication");
  return *this = make_or_throw(product, negative, exponent, format_, "quantity multiplication");
}

quantity quantity::operator-() const noexcept {
  quantity q = with_format(format_);
  q.mantissa_ = -mantissa_;
  return q;
}

std::weak_ordering operator<=>(const quantity& a, const quantity& b) noexcept {
  const int sa = a.sign();
  const int sb = b.sign();
  if (sa != sb) return sa <=> sb;
  if (sa == 0) return std::weak_ordering::equivalent;
  const auto c = compare_magnitude(quantity_access::magnitude(a), quantity_access::exponent(a),
                                   quantity_access::magnitude(b), quantity_access::exponent(b));
  return sa > 0 ? c : 0 <=> c;
}

std::size_t quantity::hash() const noexcept {
  const auto bits = static_cast<u128>(mantissa_);
  std::size_t h = std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(bits));
  auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(bits >> 64)));
  mix(std::hash<std::int32_t>{}(exponent_));
  return h;
}

std::ostream& operator<<(std::ostream& os, const quantity& q) { return os << q.to_string(); }

// ---------------------------------------------------------------------------------------------
// JSON

void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const quantity& q) {
  jv.emplace_string() = q.to_string();
}

quantity tag_invoke(boost::json::value_to_tag<quantity>, const boost::json::value& jv) {
  char buffer[64];
  switch (jv.kind()) {
    case boost::json::kind::null:
      return quantity{};
    case boost::json::kind::string: {
      // Kubernetes trims the text of a JSON string before parsing it.
      std::string_view text = jv.get_string();
      constexpr std::string_view space = " \t\n\v\f\r";
      const auto begin = text.find_first_not_of(space);
      text = begin == std::string_view::npos ? std::string_view{} : text.substr(begin);
      text = text.substr(0, text.find_last_not_of(space) + 1);
      return quantity::parse(text);
    }
    case boost::json::kind::int64: {
      const auto r = std::to_chars(buffer, buffer + sizeof buffer, jv.get_int64());
      return quantity::parse(std::string_view(buffer, static_cast<std::size_t>(r.ptr - buffer)));
    }
    case boost::json::kind::uint64: {
      const auto r = std::to_chars(buffer, buffer + sizeof buffer, jv.get_uint64());
      return quantity::parse(std::string_view(buffer, static_cast<std::size_t>(r.ptr - buffer)));
    }
    case boost::json::kind::double_: {
      // Kubernetes parses the number's own text; the shortest text that reads back as the same
      // double is the closest we can get to it (0.5 -> "0.5", 1e30 -> "1e+30").
      const double d = jv.get_double();
      if (!std::isfinite(d)) throw parse_error(quantity_error::out_of_range, "inf", {});
      const auto r = std::to_chars(buffer, buffer + sizeof buffer, d);
      std::string text(buffer, r.ptr);
      // Write the exponent as people do in JSON ("1e30", not "1e+30"), since the text may be echoed.
      if (const auto e = text.find('e'); e != std::string::npos) {
        std::size_t digits = e + 1;
        if (text[digits] == '+') text.erase(digits, 1);
        if (text[digits] == '-') ++digits;
        while (digits + 1 < text.size() && text[digits] == '0') text.erase(digits, 1);
      }
      return quantity::parse(text);
    }
    default:
      break;
  }
  throw validation_error({{"quantity",
                           "a quantity must be a JSON string, number or null, got " +
                               std::string(boost::json::to_string(jv.kind())),
                           "write it as a string such as \"500m\""}});
}

}  // namespace amlk8s
