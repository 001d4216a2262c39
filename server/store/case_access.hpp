#pragma once
// The facts that decide who may see a case (see core/visibility.hpp).

#include <string>
#include <vector>

namespace mediation::store {

struct case_access {
  long long case_id = 0;
  long long thread_id = 0;          // the internal thread: staff, supervisors, invited professionals
  long long parties_thread_id = 0;  // the parties' thread: staff with the parties' guests and representatives
  long long owner_org = 0;
  struct handler {
    long long org = 0;
    std::string status;  // pending, accepted, declined
  };
  std::vector<handler> handlers;
  std::vector<long long> invited;  // user ids of everyone invited to the case
  std::vector<long long> party_side;  // ...of those invited on a party's side (representatives, guests)
  long long handling_org = 0;      // the organisation responsible now
  std::string kind = "case";       // case or group
  bool closed = false;
  std::vector<long long> leaders;      // user ids of the leaders who own the case (包案)
  std::vector<long long> supervisors;  // organisations above the owner and the handlers
};

}  // namespace mediation::store
