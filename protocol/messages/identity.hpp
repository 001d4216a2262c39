#pragma once
// Requests of the identity slice: auth, orgs.list, users.list.

#include "protocol/messages/common.hpp"

namespace mediation::protocol {

struct auth_request {
  static constexpr std::string_view type = "auth";
  static constexpr std::string_view doc =
      "The first request on every socket. Reply: ok {user} (user.json); unauthenticated; "
      "conflict when already authenticated.";
  std::string token;
  template <class V>
  void fields(V& v) {
    v.text("token", token, {.max = limits::token, .doc = "The bearer token from POST /api/login."});
  }
};
struct orgs_list_request {
  static constexpr std::string_view type = "orgs.list";
  static constexpr std::string_view doc =
      "Every organisation of the network. Reply: ok {orgs: [org.json]}.";
  template <class V>
  void fields(V&) {}
};
struct users_list_request {
  static constexpr std::string_view type = "users.list";
  static constexpr std::string_view doc =
      "The directory of staff accounts, optionally of one organisation. Staff and "
      "administrators only. Reply: ok {users: [user.json]}; forbidden for lawyers and judicial "
      "staff.";
  std::optional<id_t> org;
  template <class V>
  void fields(V& v) {
    v.id("org", org);
  }
};

}  // namespace mediation::protocol
