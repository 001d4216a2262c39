#pragma once
// Checks of Chinese identifiers, the same as the browser client's (web-client/js/identifiers.js):
// resident ID numbers (GB 11643, with the check digit), mainland mobile and landline numbers, and
// unified social credit codes (GB 32100, with the check character). Pure functions.

#include <string_view>

namespace mediation::protocol {

// 17 digits and a check digit (0-9 or X, either case), with a real birth date from 1900 to `today_ymd`
// (YYYYMMDD; 0: no upper bound).
bool valid_resident_id(std::string_view text, long today_ymd = 0);
// 11 digits from 13x to 19x, optionally after +86 or 86, with spaces or hyphens between groups.
bool valid_mobile(std::string_view text);
// An area code of 3 or 4 digits starting with 0, an optional hyphen, 7 or 8 digits, and an optional
// "-extension" of 1 to 6 digits; spaces ignored.
bool valid_landline(std::string_view text);
// A mobile or a landline number.
bool valid_phone(std::string_view text);
// 18 characters of the GB 32100 alphabet (digits and capitals without I, O, S, V, Z; either case):
// two authority characters, six digits of the administrative division, nine of the organisation
// code, and the check character.
bool valid_credit_code(std::string_view text);
// Today's date (YYYYMMDD) in the easternmost time zone (UTC+14): no birth date after it is real anywhere.
long latest_today_ymd();
// bad_request naming `field` unless `text` is empty or a mobile or landline number.
void check_phone(std::string_view text, const std::string& field);
// bad_request naming `field` unless `text` is empty, a resident ID number or a credit code.
void check_party_id(std::string_view text, const std::string& field);

// A party's identity document: a resident ID number or, for an organisation, a credit code.
bool valid_party_id(std::string_view text, long today_ymd = 0);

}  // namespace mediation::protocol
