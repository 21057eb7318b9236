// The auth layer holds tokens, client secrets and assertions in the core secret type.
#pragma once

#include <amlk8s/core/redact.hpp>

namespace amlk8s::auth {

/// A secret value (core/redact.hpp): prints masked, wiped on destruction, reveal() for the wire only.
using amlk8s::secret_string;

}  // namespace amlk8s::auth
