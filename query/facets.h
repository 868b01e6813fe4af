#pragma once
// Facet counts: how many of a query's matching articles are in each language, under each credit
// and in each month. Any front end can show them (izdeu-serve's page and API do); they count
// every matching article, copies of syndicated duplicates included.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace izdeu::query {

struct FacetCount {
    std::string value;  ///< "en"; the credit as stored ("Senate press service"); "2023-08"
    Xapian::doccount count = 0;
};

struct Facets {
    std::vector<FacetCount> languages;  ///< most articles first
    std::vector<FacetCount> credits;    ///< the top credits, most articles first
    std::vector<FacetCount> months;     ///< oldest first, only months with matches
    Xapian::doccount undated = 0;       ///< matches without a date
    Xapian::doccount counted = 0;       ///< matches counted (all of them unless the time ran out)
};

/// Each article's language, credit and month, read once per database state from the index (the
/// posting lists of the language and credit terms, the date value stream), so that counting a
/// query's matches reads nothing more. Build it again after the database changed.
class FacetColumns {
  public:
    explicit FacetColumns(const Xapian::Database& db);

    /// The database state the columns were read from (document count and last docid).
    bool matches(const Xapian::Database& db) const;

  private:
    friend Facets count_facets(const Xapian::Database&, FacetColumns&, const Xapian::Query&, std::size_t, double);

    Xapian::doccount doccount_ = 0;
    Xapian::docid lastdocid_ = 0;
    std::vector<std::string> languages_;     ///< language codes, index + 1 in language_of_
    std::vector<std::uint8_t> language_of_;  ///< by docid; 0: none
    std::vector<std::uint64_t> credit_of_;   ///< by docid: a hash of the credit's words as written; 0: none
    /// Credit as written -> its group (the hash of its words' name keys: Akorda, Акорда, Ақорда).
    std::unordered_map<std::uint64_t, std::uint64_t> credit_group_of_;
    std::vector<std::uint16_t> month_of_;                          ///< by docid: year * 12 + month - 1; 0: undated
    std::unordered_map<std::uint64_t, std::string> credit_names_;  ///< as stored, read when shown
};

/// Counts the facets of the articles `matching` selects, with up to top_credits credits.
/// Matching stops after time_limit_seconds (then `counted` says how many were counted).
Facets count_facets(const Xapian::Database& db, FacetColumns& columns, const Xapian::Query& matching,
                    std::size_t top_credits = 10, double time_limit_seconds = 5);

}  // namespace izdeu::query
