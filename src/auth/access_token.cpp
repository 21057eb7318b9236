#include <amlk8s/auth/access_token.hpp>

#include <ostream>

namespace amlk8s::auth {

std::ostream& operator<<(std::ostream& os, const access_token& t) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  os << "access_token{token=" << t.token
     << ", expires_on=" << duration_cast<seconds>(t.expires_on.time_since_epoch()).count();
  if (t.refresh_on) os << ", refresh_on=" << duration_cast<seconds>(t.refresh_on->time_since_epoch()).count();
  return os << '}';
}

}  // namespace amlk8s::auth
