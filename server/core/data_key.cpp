#include "server/core/data_key.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "server/base/log.hpp"
#include "server/base/time.hpp"
#include "server/store/settings_repo.hpp"

namespace mediation::app {

namespace {

const std::string restore_hint =
    "Restore the key file this database was written with from the key backup (docs/operations.md, "
    "\"The data key belongs to its database\"), mode 600, or point --data-key-file at it, and start again";

data_key_refused mismatch(const std::string& path, const std::string& expected, const std::string& found) {
  return data_key_refused("the data key file '" + path + "' does not belong to this database: the database records " +
                              "the data key fingerprint " + expected + ", the file's fingerprint is " + found + ". " +
                              restore_hint + ". Nothing was changed",
                          path, expected, found);
}

}  // namespace

data_key_refused::data_key_refused(const std::string& message, std::string f, std::string e, std::string fo)
    : store::refused(message), file(std::move(f)), expected(std::move(e)), found(std::move(fo)) {}

std::optional<std::string> data_key_rotation(soci::session& sql, store::backend kind) {
  return store::read_setting(sql, kind, rotation_setting);
}

std::optional<std::string> recorded_fingerprint(soci::session& sql, store::backend kind) {
  return store::read_setting(sql, kind, fingerprint_setting);
}

data_key_plan check_data_key(soci::session& sql, store::backend kind, const std::string& path, bool may_create) {
  if (auto rotation = data_key_rotation(sql, kind))
    throw data_key_refused("a rotation of the data key is in progress (" + *rotation +
                               "): the database's numbers are sealed partly under each key. Finish it with "
                               "mediation-admin rotate-key (the same --data-key-file and --new-key-file), then "
                               "start with the new key file. Nothing was changed",
                           path, "", "");
  const auto recorded = store::read_setting(sql, kind, fingerprint_setting);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    const std::string missing = "the data key file '" + path + "' does not exist";
    if (recorded)
      throw data_key_refused(missing + ", but this database records the data key fingerprint " +
                                 *recorded + ". " + restore_hint +
                                 ". No new key was made: values sealed under a new key could not be read together "
                                 "with the old ones",
                             path, *recorded, "");
    if (auto sample = store::find_sealed_value(sql, kind))
      throw data_key_refused(missing + ", but this database already holds personal data sealed with a data key (" +
                                 sample->where + "). " + restore_hint +
                                 ". No new key was made: values sealed under a new key could not be read together "
                                 "with the old ones",
                             path, "", "");
    if (!may_create) throw data_key_refused(missing + " (--data-key-file)", path, "", "");
    return data_key_plan{path, std::nullopt, true};
  }
  personal_data key = personal_data::from_file(path, false);
  const std::string found = key.fingerprint();
  if (recorded) {
    if (*recorded != found) throw mismatch(path, *recorded, found);
    return data_key_plan{path, std::move(key), false};
  }
  // No fingerprint recorded: a new database, or one from before release 0.2.0. The key must open
  // what is sealed already before its fingerprint is recorded.
  if (auto sample = store::find_sealed_value(sql, kind)) {
    try {
      if (sample->agreement)
        key.open_parties(nlohmann::json::parse(sample->value));
      else
        key.open(sample->value);
    } catch (const std::exception&) {
      throw data_key_refused("the data key file '" + path + "' (fingerprint " + found +
                                 ") does not open the personal data already in this database (" + sample->where +
                                 "), which records no key fingerprint yet. " + restore_hint +
                                 ". Nothing was changed and no fingerprint was recorded",
                             path, "", found);
    }
  }
  return data_key_plan{path, std::move(key), true};
}

personal_data settle_data_key(soci::session& sql, store::backend kind, data_key_plan plan, bool record) {
  std::optional<personal_data> key = std::move(plan.key);
  if (!key) {
    bool created = false;
    key.emplace(personal_data::from_file(plan.path, true, &created));
    if (created)
      log::warn("made a new key for personal data; back it up apart from the database (without it, ID and phone "
                "numbers cannot be read)",
                {{"file", plan.path}, {"fingerprint", key->fingerprint()}});
  }
  if (plan.record && record && store::table_exists(sql, kind, "settings")) {
    const std::string fp = key->fingerprint();
    const std::string stored = store::record_setting_once(sql, kind, fingerprint_setting, fp, now_millis());
    if (stored != fp) throw mismatch(plan.path, stored, fp);
    log::info("data key fingerprint recorded", {{"file", plan.path}, {"fingerprint", fp}});
  }
  return std::move(*key);
}

}  // namespace mediation::app
