#include "server/admin/seed.hpp"

#include <soci/soci.h>

#include "server/core/credentials.hpp"
#include "server/base/log.hpp"
#include "server/agreements/agreement_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/base/time.hpp"

namespace mediation::app {

bool seed_demo(soci::session& sql) {
  if (store::count_orgs(sql) > 0) return false;
  const long long now = now_millis();
  // The demo password is public, so one argon2id hash (one salt) serves every demo account and
  // start-up stays quick. Real accounts each get their own hash.
  const std::string hash = hash_password("mediate");
  soci::transaction tr(sql);
  using store::insert_org;
  long long city = insert_org(sql, "市信访局", "City petition bureau", "市信访局", "petition_office", "city", std::nullopt, now);
  long long street = insert_org(sql, "城南街道信访办", "Chengnan street office", "城南街道", "petition_office", "street", city, now);
  long long room = insert_org(sql, "荷花社区人民调解室", "Hehua community mediation room", "荷花社区", "mediation_room", "community", street, now);
  long long labour = insert_org(sql, "劳动争议调解委员会", "Labour dispute mediation committee", "劳动调委会", "mediation_committee", "county", city, now);
  long long property = insert_org(sql, "物业纠纷调解委员会", "Property management mediation committee", "物业调委会", "mediation_committee", "county", city, now);
  long long firm = insert_org(sql, "正义律师事务所", "Zhengyi law firm", "正义律所", "law_firm", "city", std::nullopt, now);
  struct account {
    const char* username;
    const char* name;
    const char* role;
    long long org;
  };
  const account accounts[] = {
      {"admin", "系统管理员", "administrator", city},
      {"officer.li", "李明", "petition_officer", city},
      {"leader.zhao", "赵国强", "leader", city},
      {"officer.sun", "孙丽", "petition_officer", street},
      {"mediator.wang", "王秀英", "mediator", room},
      {"committee.zhang", "张伟", "committee_mediator", labour},
      {"committee.liu", "刘芳", "committee_mediator", property},
      {"lawyer.chen", "陈静", "lawyer", firm},
  };
  for (const auto& a : accounts) {
    long long id = store::insert_user(sql, a.org, *normalise_username(a.username), a.name, a.role, hash, now);
    // The mediators keep their room's and committees' seals (调解专用章).
    if (a.role == std::string("mediator") || a.role == std::string("committee_mediator")) store::set_can_seal(sql, id, true);
  }
  tr.commit();
  log::info("demo network loaded", {{"orgs", "6"}, {"users", "8"}});
  return true;
}

}  // namespace mediation::app
