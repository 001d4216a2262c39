#include "server/cases/search_terms.hpp"

#include <algorithm>

namespace mediation::app {

namespace {

struct token {
  std::string text;
  bool cjk = false;
  bool break_before = false;  // not adjacent to the previous token
};

// Decodes one code point at s[i]; returns its length (1 for invalid bytes).
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + n > s.size()) n = 1;
  cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return n;
}

bool is_cjk(char32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF);
}

bool is_word(char32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }

// Splits text into CJK characters and words; others are separators.
std::vector<token> tokens(std::string_view s) {
  std::vector<token> out;
  std::string word;
  bool gap = true;
  auto end_word = [&] {
    if (word.empty()) return;
    if (word.size() > 32) word.resize(32);
    out.push_back({word, false, true});
    word.clear();
    gap = true;
  };
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = decode(s, i, cp);
    if (is_word(cp)) {
      word += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    } else if (is_cjk(cp)) {
      end_word();
      out.push_back({std::string(s.substr(i, n)), true, gap});
      gap = false;
    } else {
      end_word();
      gap = true;
    }
    i += n;
  }
  end_word();
  return out;
}

}  // namespace

std::set<std::string> index_terms(std::string_view text, std::size_t max_terms) {
  std::set<std::string> out;
  auto t = tokens(text);
  for (std::size_t i = 0; i < t.size() && out.size() < max_terms; ++i) {
    out.insert(t[i].text);
    if (t[i].cjk && i + 1 < t.size() && t[i + 1].cjk && !t[i + 1].break_before) out.insert(t[i].text + t[i + 1].text);
  }
  return out;
}

std::vector<std::string> query_terms(std::string_view query, std::size_t max_terms) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (out.size() < max_terms && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  auto t = tokens(query);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!t[i].cjk) {
      add(t[i].text);
      continue;
    }
    bool next = i + 1 < t.size() && t[i + 1].cjk && !t[i + 1].break_before;
    bool prev = i > 0 && t[i - 1].cjk && !t[i].break_before;
    if (next) add(t[i].text + t[i + 1].text);
    else if (!prev) add(t[i].text);  // a lone character
  }
  return out;
}

}  // namespace mediation::app
