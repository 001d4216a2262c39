#include "server/base/version.hpp"

namespace mediation {

const char* release() noexcept { return MEDIATION_RELEASE; }

}  // namespace mediation
