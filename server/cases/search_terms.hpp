#pragma once
// Terms of the case search index, the same on SQLite and MariaDB: Chinese (and other CJK) text is
// indexed as single characters and adjacent pairs (bigrams), Latin letters and digits as
// lower-cased words. A query matches a case that has all the query's terms. Pure, thread-safe.

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mediation::app {

// Every term of `text` (for the index), at most `max_terms`.
std::set<std::string> index_terms(std::string_view text, std::size_t max_terms = 20000);
// The terms a query needs: bigrams of CJK runs (a lone character as itself) and words.
std::vector<std::string> query_terms(std::string_view query, std::size_t max_terms = 32);

}  // namespace mediation::app
