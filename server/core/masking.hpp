#pragma once
// Personal data of parties seen by people who do not need it: ID numbers and phone numbers are
// masked (370214********1234 style), and a petitioner is recognised again by a key derived from
// the unmasked data. Pure and thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace mediation::app {

// Keeps the first 4 and last 4 characters of an ID number: "3702**********1234". Shorter values
// keep only their last character.
std::string mask_id_number(std::string_view id);
// Keeps the first 3 and last 4 digits of a phone number: "138****5678".
std::string mask_phone(std::string_view phone);
// Keeps the first 6 characters of an address (the province and city, say) and replaces the rest by
// "****": "山东省济南市****". Empty stays empty; 6 characters or fewer become "****".
std::string mask_address(std::string_view address);
// The identity of a petitioner for repeat detection: SHA-256 hex of the ID number (upper-cased,
// spaces removed), or else of name and phone digits; nullopt when neither is given.
std::optional<std::string> petitioner_key(std::string_view name, std::string_view phone, std::string_view id_number);

}  // namespace mediation::app
