// libFuzzer target for what arrives over HTTP and from configuration outside the frame parser:
// X-Forwarded-For chains, agreement content (validated before it is stored and hashed), and the
// --workflow file. None may crash or hit undefined behaviour; the canonical form of content
// that validates must be stable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/errors.hpp"
#include "server/agreements/agreement.hpp"
#include "server/core/deadlines.hpp"
#include "server/net/forwarded.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mediation;
  if (size < 1) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      (void)net::client_address("10.0.0.2", rest, {"10.0.0.2", "10.0.0.3"});
      break;
    case 1: {
      auto j = nlohmann::json::parse(rest, nullptr, false);
      if (j.is_discarded()) return 0;
      try {
        // Validated content is normalised: validating it again changes nothing, and its canonical
        // form (what is hashed) reads back to itself.
        auto valid = app::agreement::validate(j);
        if (app::agreement::validate(valid) != valid) std::abort();
        const std::string once = app::agreement::canonical(valid);
        if (app::agreement::canonical(nlohmann::json::parse(once)) != once) std::abort();
      } catch (const protocol::error&) {
        // a bad field, named: the expected answer to bad content
      }
      break;
    }
    default: {
      auto j = nlohmann::json::parse(rest, nullptr, false);
      if (j.is_discarded()) return 0;
      app::deadlines::workflow_config c;
      (void)app::deadlines::parse_workflow(j, c);
    }
  }
  return 0;
}
