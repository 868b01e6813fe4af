#pragma once
// Place names and the words derived from them: China and Chinese, Россия, российский and
// россиянин, Қытай and қытайлық. A headline and its article often name a place in two of these
// forms, which no stemmer joins (their endings are not inflections). The table is a linguistic
// resource written for izdeu (facts of usage, no list copied from elsewhere); the analyzer reads
// it by stems (Analyzer::derived_names), so every inflected form of each word is covered.

#include <span>
#include <string_view>

namespace izdeu {

/// One family a line: a language code (en, ru, kk), then the family's words in lower case,
/// separated by spaces: the place first, then its adjectives and demonyms. A word that is also a
/// common word (turkey the bird, polish the verb, вена the vein) ends in '*': it expands only
/// when typed capitalised, and is found as a counterpart only in articles that also write it
/// capitalised inside a sentence (its name key).
std::span<const std::string_view> derived_name_families();

}  // namespace izdeu
