#pragma once
// Kazakh typed on a Russian keyboard, looked up among the index's own words. The index writes
// keyboard-folded forms (XK) of the whole text, which bags of words, phrases and NEAR match;
// the title's terms (S, ZS), the surface forms an exact phrase keeps to and the words a wildcard
// expands to have no folded twin. Their Kazakh spellings are the terms whose keyboard fold
// (Analyzer::keyboard_fold) is what was typed: found here by walking the sorted term list one
// letter at a time, trying each Kazakh letter a typed Russian one may stand for.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace izdeu::query {

struct KeyboardSpellings {
    std::vector<std::string> terms;  ///< whole terms, prefix included, in term order
    bool truncated = false;          ///< more terms matched than the limit allowed
};

/// The terms under `prefix` whose remainder keyboard-folds to `folded` (with `starting`: whose
/// remainder's fold starts with `folded`, as a wildcard), prefix+folded itself included when
/// the index has it; at most `limit` of them. `folded` must be lower case, as terms are.
KeyboardSpellings keyboard_spellings(const Xapian::Database& database, std::string_view prefix, std::string_view folded,
                                     bool starting, std::size_t limit);

}  // namespace izdeu::query
