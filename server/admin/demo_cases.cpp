// The demo network's cases (--seed-demo): about twenty realistic cases in every state, made through
// the verbs' own logic (each slice's *_logic functions), as the people of the demo network would
// have made them over the past weeks. Demo data lives here only.
#include "server/admin/seed.hpp"

#include <soci/soci.h>

#include "server/agreements/agreement_logic.hpp"
#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/cases/case_logic.hpp"
#include "server/core/deadlines.hpp"
#include "server/meetings/meeting_logic.hpp"
#include "server/oversight/oversight_logic.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "server/threads/thread_logic.hpp"

namespace mediation::app {

namespace {

using nlohmann::json;
constexpr millis day_ms = 86400000LL;

// A one-pixel drawn signature (the demo's parties "sign" on the mediator's device).
const std::string drawn =
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

class demo {
 public:
  demo(soci::session& sql, const verb_env& env, millis now) : sql_(sql), env_(env), now_(now) {}

  actor as(const std::string& username) {
    auto u = *store::find_user(sql_, store::find_login(sql_, username)->user_id);
    return actor{viewer{u.id, u.org.id, u.role}, store::author{u.id, u.name}, "demo"};
  }

  // Runs `fn(ctx)` in one committed transaction stamped `at` (a time in the past for older cases).
  template <class Fn>
  auto at(millis when, Fn fn) {
    soci::transaction tr(sql_);
    store::transaction_memo memo;
    store::write_context ctx(sql_, when, memo);
    auto out = fn(ctx);
    store::flush_pending_events(sql_, memo);
    store::flush_thread_heads(sql_, memo);
    tr.commit();
    return out;
  }

  millis days_ago(double d) const { return now_ - static_cast<millis>(d * day_ms); }

  struct person {
    std::string name, phone, id_number;
  };
  // A case registered `days` ago by `who`; returns its id.
  long long intake(const actor& who, double days, const std::string& title, const std::string& category,
                   const std::string& channel, const std::string& description, const person& petitioner,
                   const std::string& respondent, const std::string& location, const std::string& urgency = "normal") {
    protocol::case_create_request r;
    r.title = title;
    r.category = category;
    r.channel = channel;
    r.description = description;
    r.location = location;
    r.urgency = urgency;
    protocol::party p;
    p.role = "petitioner";
    p.name = petitioner.name;
    p.phone = petitioner.phone;
    p.id_number = petitioner.id_number;
    r.parties.push_back(p);
    protocol::party q;
    q.role = "respondent";
    q.name = respondent;
    r.parties.push_back(q);
    return at(days_ago(days), [&](store::write_context& ctx) { return cases::create(ctx, env_, who, r); }).notify_case;
  }

  long long thread_of(long long case_id) { return store::access_by_case(sql_, case_id)->thread_id; }

  void say(const actor& who, double days, long long case_id, const std::string& body) {
    protocol::post_request r;
    r.thread = thread_of(case_id);
    r.cmid = "demo-" + std::to_string(++cmid_);
    r.body = body;
    at(days_ago(days), [&](store::write_context& ctx) { return threads::post(ctx, who, r); });
  }

  void accept_triage(const actor& who, double days, long long case_id) {
    protocol::case_triage_request r;
    r.case_id = case_id;
    r.decision = "accept";
    at(days_ago(days), [&](store::write_context& ctx) { return cases::triage(ctx, env_, who, r); });
  }

  void hand_over(const actor& who, double days, long long case_id, long long to_org, const std::string& note) {
    protocol::case_handoff_request r;
    r.case_id = case_id;
    r.to_org = to_org;
    r.note = note;
    at(days_ago(days), [&](store::write_context& ctx) { return cases::handoff(ctx, env_, who, r); });
  }

  void accept(const actor& who, double days, long long case_id) {
    protocol::case_accept_request r;
    r.case_id = case_id;
    at(days_ago(days), [&](store::write_context& ctx) { return cases::accept(ctx, env_, who, r); });
  }

  void close(const actor& who, double days, long long case_id, const std::string& outcome, const std::string& note) {
    protocol::case_close_request r;
    r.case_id = case_id;
    r.outcome = outcome;
    r.note = note;
    at(days_ago(days), [&](store::write_context& ctx) { return cases::close(ctx, env_, who, r); });
  }

  void evaluate(const actor& who, double days, long long case_id, const std::string& evaluation,
                const std::string& comment) {
    protocol::case_evaluate_request r;
    r.case_id = case_id;
    r.evaluation = evaluation;
    r.comment = comment;
    at(days_ago(days), [&](store::write_context& ctx) { return cases::evaluate(ctx, env_, who, r); });
  }

  // A joint session `days_ahead` from today at `hour` Beijing time, for an hour and a half.
  void meeting(const actor& who, long long case_id, int days_ahead, int hour, const std::string& title,
               const std::string& place, const std::vector<protocol::meeting_participant>& participants) {
    const millis beijing_midnight = ((now_ + 8 * 3600000LL) / day_ms) * day_ms - 8 * 3600000LL;
    const millis start = beijing_midnight + days_ahead * day_ms + hour * 3600000LL;
    protocol::meeting_schedule_request r;
    r.case_id = case_id;
    r.title = title;
    r.purpose = "听取双方意见，促成和解";
    r.start = format_rfc3339(start);
    r.end = format_rfc3339(start + 90 * 60000LL);
    r.place = place;
    r.remote = true;  // the parties may join by video
    r.participants = participants;
    at(now_, [&](store::write_context& ctx) { return meetings::schedule(ctx, env_, who, r); });
  }

 private:
  soci::session& sql_;
  const verb_env& env_;
  millis now_;
  int cmid_ = 0;
};

protocol::meeting_participant member(const actor& who) {
  protocol::meeting_participant p;
  p.user = who.v.user_id;
  return p;
}

protocol::meeting_participant outsider(const std::string& name, const std::string& phone, const std::string& side) {
  protocol::meeting_participant p;
  p.name = name;
  p.phone = phone;
  p.side = side;
  return p;
}

}  // namespace

int seed_demo_cases(soci::session& sql, const verb_env& env, millis now) {
  long long existing = 0;
  sql << "SELECT COUNT(*) FROM cases", soci::into(existing);
  if (existing > 0) return 0;
  demo d(sql, env, now);
  const actor li = d.as("officer.li"), zhao = d.as("leader.zhao"), sun = d.as("officer.sun");
  const actor wang = d.as("mediator.wang"), zhang = d.as("committee.zhang"), liu = d.as("committee.liu");
  int made = 0;
  auto count = [&made](long long id) { ++made; return id; };

  // 1. New petitions, not yet triaged.
  count(d.intake(sun, 0.2, "小区夜间施工噪音扰民", "family_neighbour", "visit",
                 "荷花小区3栋居民反映，邻近工地连续两周夜间施工至凌晨，多次交涉无果。",
                 {"周建华", "13912345678", "110101199001010111"}, "某建设工程公司", "城南街道荷花小区", "urgent"));
  count(d.intake(sun, 1, "网格上报：路灯损坏引发邻里纠纷", "family_neighbour", "grid",
                 "网格员上报：巷口路灯损坏一月未修，两户居民因夜间停车发生争执。",
                 {"李淑芬", "021-61234567", ""}, "王建军", "城南街道梧桐巷"));
  count(d.intake(li, 2, "来信：拆迁安置房漏水", "demolition", "letter",
                 "来信人反映安置房交付后卫生间持续漏水，开发单位拖延维修。",
                 {"赵大勇", "13700001111", "11010119900101012X"}, "某置业有限公司", "城东安置小区"));
  count(d.intake(li, 0.5, "网上：医疗费用争议", "medical", "online",
                 "患者家属对住院费用明细有异议，要求医院说明并退还不合理收费。",
                 {"孙海燕", "13600002222", ""}, "某区人民医院", "城区", "urgent"));

  // 2. A hand-over waiting for the labour committee; another for the property committee.
  const long long wages = count(d.intake(sun, 3, "建筑工地拖欠农民工工资", "labour_wages", "visit",
                                         "十二名工人反映某建筑公司拖欠三个月工资共计约36万元。",
                                         {"张三", "13812345678", "370214198001017234"}, "某建筑公司",
                                         "城南街道新区工地", "critical"));
  d.hand_over(sun, 2.9, wages, zhang.v.org_id, "请劳动争议调解委员会调处，工人情绪较大，请尽快受理。");
  const long long lift = count(d.intake(li, 2, "小区电梯维修费分摊争议", "property_management", "visit",
                                        "业主对电梯大修费用按楼层分摊的方案有异议。",
                                        {"钱伟", "13500003333", ""}, "某物业服务公司", "城北锦绣小区"));
  d.hand_over(li, 1.8, lift, liu.v.org_id, "请物业纠纷调解委员会组织业主与物业协商。");

  // 3. Being mediated in the community room, with a joint session next week.
  const long long leak = count(d.intake(wang, 6, "楼上漏水损坏楼下装修", "family_neighbour", "visit",
                                        "楼上住户水管破裂，楼下天花板及木地板受损，双方就赔偿金额争执。",
                                        {"陈丽", "13811112222", "110101199001010138"}, "刘强", "荷花社区5栋"));
  d.accept_triage(wang, 5.9, leak);
  d.say(wang, 5.5, leak, "已联系双方，楼上刘先生同意先行维修水管。");
  d.say(wang, 4, leak, "物业出具了漏水原因说明，损失清单待陈女士补充。");
  d.say(wang, 1, leak, "陈女士已提交装修发票，拟下周组织双方调解。");
  d.meeting(wang, leak, 7, 9, "漏水赔偿调解会", "荷花社区调解室",
            {member(wang), outsider("陈丽", "13811112222", "petitioner"), outsider("刘强", "13922223333", "respondent")});

  // 4. Accepted by the labour committee, in progress, with a session next week.
  const long long cook = count(d.intake(sun, 10, "餐馆拖欠厨师工资及加班费", "labour_wages", "phone",
                                        "厨师反映餐馆两个月未发工资，另有加班费未结算。",
                                        {"吴刚", "13633334444", "110101199001010146"}, "某餐饮管理公司", "城南美食街"));
  d.hand_over(sun, 9.8, cook, zhang.v.org_id, "请调委会调处。");
  d.accept(zhang, 9, cook);
  d.say(zhang, 8, cook, "已调取考勤记录，用人单位认可拖欠工资，对加班费有异议。");
  d.meeting(zhang, cook, 8, 14, "工资及加班费调解", "劳动争议调解委员会第一调解室",
            {member(zhang), outsider("吴刚", "13633334444", "petitioner"),
             outsider("某餐饮管理公司代表", "0755-87654321", "respondent")});

  // 5. Overdue: accepted 70 days ago, escalated to the city, owned by a leader, under supervision.
  const long long land = count(d.intake(sun, 72, "征地补偿款未足额兑现", "land", "visit",
                                        "村民反映征地补偿款中青苗补偿部分未兑现，涉及十余户。",
                                        {"马永福", "13744445555", "110101199001010218"}, "某镇人民政府",
                                        "城南街道马家村"));
  d.accept_triage(sun, 71, land);
  {
    protocol::supervision_issue_request s;
    s.case_id = land;
    s.kind = "supervision_letter";
    s.body = "请于一周内报送补偿款兑现方案。";
    d.at(d.days_ago(8), [&](store::write_context& ctx) { return oversight::issue(ctx, env, li, s); });
    protocol::case_escalate_request r;
    r.case_id = land;
    r.reason = "超期未办结，涉及人数较多，提请市信访局协调";
    d.at(d.days_ago(5), [&](store::write_context& ctx) { return cases::escalate(ctx, env, sun, r); });
    protocol::case_own_request own;
    own.case_id = land;
    d.at(d.days_ago(4), [&](store::write_context& ctx) { return cases::own(ctx, env, zhao, own); });
  }

  // Overdue and not yet escalated: the scheduler's overdue rule escalates it at its first scan.
  const long long shed = count(d.intake(sun, 80, "违章搭建遮挡采光", "family_neighbour", "visit",
                                        "邻居在院内搭建彩钢棚，遮挡申请人住房采光。",
                                        {"谢秀兰", "13611112222", ""}, "谢国平", "城南街道老街"));
  d.accept_triage(sun, 78, shed);
  d.say(sun, 60, shed, "已两次上门协调，对方拒绝拆除，需城管部门配合。");

  // 6. An agreement in force, awaiting judicial confirmation.
  const long long fee = count(d.intake(wang, 20, "物业费及停车费纠纷", "property_management", "visit",
                                       "业主以服务质量差为由拒交物业费两年，物业公司要求补缴。",
                                       {"黄敏", "13855556666", "110101199001010226"}, "某物业服务公司",
                                       "荷花社区1栋"));
  d.accept_triage(wang, 19, fee);
  d.say(wang, 15, fee, "双方同意在减免部分滞纳金的基础上分期补缴。");
  {
    // The terms fall due some weeks from today, whenever the demo is loaded.
    auto in_days = [&](int days) { return deadlines::format_date(deadlines::local_day(now) + days); };
    protocol::agreement_draft_request r;
    r.case_id = fee;
    r.content = {{"parties",
                  {{{"role", "petitioner"}, {"name", "黄敏"}, {"id_number", "110101199001010226"},
                    {"phone", "13855556666"}, {"address", "荷花社区1栋2单元301"}},
                   {{"role", "respondent"}, {"name", "某物业服务公司"}, {"id_number", "91350100M000100Y43"},
                    {"phone", "0591-87654321"}}}},
                 {"facts", "申请人自2024年起以服务质量为由未缴纳物业费，被申请人要求补缴。"},
                 {"disputes", {"物业费补缴金额", "滞纳金是否减免"}},
                 {"responsibilities", {{{"party", 1}, {"text", "未及时处理业主报修"}}}},
                 {"terms",
                  {{{"text", "申请人补缴物业费人民币4800元，分两期支付"}, {"way", "银行转账"},
                    {"place", "被申请人账户"}, {"deadline", in_days(120)}},
                   {{"text", "被申请人减免全部滞纳金并于一个月内完成楼道维修"}, {"way", "现场维修"},
                    {"place", "荷花社区1栋"}, {"deadline", in_days(30)}}}},
                 {"mediators", {"王秀英"}},
                 {"organisation", "荷花社区人民调解委员会"}};
    auto drafted = d.at(d.days_ago(12), [&](store::write_context& ctx) { return agreements::draft(ctx, env, wang, r); });
    drafted.read_back(sql, drafted);
    const long long id = std::stoll(drafted.result["agreement"]["id"].get<std::string>());
    for (long long party : {0, 1}) {
      protocol::agreement_sign_request s;
      s.agreement = id;
      s.version = 1;
      s.role = "party";
      s.party = party;
      s.signature = drawn;
      s.confirmed = true;
      d.at(d.days_ago(10), [&](store::write_context& ctx) { return agreements::sign(ctx, env, wang, s); });
    }
    protocol::agreement_sign_request m;
    m.agreement = id;
    m.version = 1;
    m.role = "mediator";
    d.at(d.days_ago(10), [&](store::write_context& ctx) { return agreements::sign(ctx, env, wang, m); });
    protocol::agreement_seal_request seal;
    seal.agreement = id;
    seal.version = 1;
    d.at(d.days_ago(10), [&](store::write_context& ctx) { return agreements::seal(ctx, env, wang, seal); });
  }

  // 7. Closed and evaluated (one satisfied, one not); one diverted to the courts.
  const long long border = count(d.intake(wang, 40, "宅基地边界纠纷", "land", "visit",
                                          "两户村民因院墙位置发生争执，互不相让。",
                                          {"杨树林", "13966667777", "110101199001010234"}, "杨树森", "荷花社区西片"));
  d.accept_triage(wang, 39, border);
  d.close(wang, 25, border, "mediated", "现场测量后双方认可原界址，院墙按原址重建。");
  d.evaluate(wang, 24, border, "satisfied", "调解员耐心细致。");
  const long long parking = count(d.intake(sun, 35, "小区车位被占用纠纷", "property_management", "visit",
                                           "业主购买的车位长期被他人占用，物业处理不力。",
                                           {"郑小龙", "13577778888", ""}, "某物业服务公司", "城南街道春晖小区"));
  d.accept_triage(sun, 34, parking);
  d.close(sun, 20, parking, "mediated", "物业承诺加装地锁。");
  d.evaluate(sun, 18, parking, "unsatisfied", "地锁至今未装。");
  const long long divorce = count(d.intake(sun, 8, "离婚后财产分割争议", "family_neighbour", "visit",
                                           "双方已离婚，对共同房产分割有争议，一方已起诉。",
                                           {"林芳", "13688889999", ""}, "何志明", "城南街道"));
  {
    protocol::case_triage_request r;
    r.case_id = divorce;
    r.decision = "divert";
    r.reason = "已进入诉讼程序，依法引导至人民法院";
    r.route = "人民法院诉讼";
    d.at(d.days_ago(7.5), [&](store::write_context& ctx) { return cases::triage(ctx, env, sun, r); });
  }

  // 8. A clock paused while waiting for documents; a case returned by the property committee.
  const long long contract = count(d.intake(sun, 15, "劳动合同解除经济补偿争议", "labour_wages", "visit",
                                            "员工被解除劳动合同，要求支付经济补偿金。",
                                            {"何静", "13799990000", ""}, "某电子科技公司", "城南工业园"));
  d.accept_triage(sun, 14, contract);
  {
    protocol::case_pause_request r;
    r.case_id = contract;
    r.reason = "等待当事人补充劳动合同及工资流水";
    d.at(d.days_ago(6), [&](store::write_context& ctx) { return cases::pause(ctx, env, sun, r); });
  }
  const long long shop = count(d.intake(sun, 12, "商铺租金上涨争议", "other", "visit",
                                        "商户认为租金上涨幅度超过合同约定。", {"罗杰", "13512340000", ""},
                                        "某商业管理公司", "城南商业街"));
  d.hand_over(sun, 11.5, shop, liu.v.org_id, "请物业调委会协助。");
  {
    protocol::case_return_request r;
    r.case_id = shop;
    r.reason = "属商铺租赁合同纠纷，不属于物业纠纷受理范围";
    d.at(d.days_ago(11), [&](store::write_context& ctx) { return cases::return_case(ctx, env, liu, r); });
  }

  // 9. Similar cases by one developer, grouped (类案).
  std::vector<long long> buyers;
  const char* names[] = {"购房者甲", "购房者乙", "购房者丙"};
  const char* ids[] = {"110101199001010314", "110101199001010322", "110101199001010330"};
  for (int i = 0; i < 3; ++i)
    buyers.push_back(count(d.intake(li, 9 - i, std::string(names[i]) + "：商品房逾期未办证", "housing_certificate",
                                    "visit", "购房已满三年，开发商仍未办理不动产权证。",
                                    {names[i], "1391111000" + std::to_string(i), ids[i]}, "某房地产开发公司",
                                    "城北翡翠园")));
  for (long long b : buyers) d.accept_triage(li, 5, b);
  {
    protocol::group_create_request g;
    g.title = "翡翠园逾期办证类案";
    g.note = "同一开发商、同类诉求，合并协调办理";
    g.cases = buyers;
    d.at(d.days_ago(4), [&](store::write_context& ctx) { return oversight::group_create(ctx, env, li, g); });
  }

  log::info("demo cases loaded", {{"cases", std::to_string(made)}});
  return made;
}

}  // namespace mediation::app
